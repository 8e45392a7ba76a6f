using Microsoft.AspNetCore.Mvc;
using Sessions.Api.OpenApi;
using Sessions.Application.Sessions.List;

namespace Sessions.Api.Contracts;

/// <summary>The list and facet filters (CONTRACT §5.4). Repeat a parameter for OR; different parameters combine with AND.</summary>
public class SessionFilterParameters
{
    /// <summary>Owners (repeatable); combined with <c>user</c> by AND, as different parameters are.</summary>
    [FromQuery(Name = "user_id")]
    [Count(0, SessionFilterInput.MaxValuesPerParameter)]
    public List<Guid>? UserId { get; init; }

    /// <summary>Owners (repeatable).</summary>
    [FromQuery(Name = "user")]
    [Count(0, SessionFilterInput.MaxValuesPerParameter)]
    public List<Guid>? User { get; init; }

    [FromQuery(Name = "project_id")]
    [Count(0, SessionFilterInput.MaxValuesPerParameter)]
    public List<Guid>? ProjectId { get; init; }

    [FromQuery(Name = "agent")]
    [Count(0, SessionFilterInput.MaxValuesPerParameter)]
    public List<string>? Agent { get; init; }

    [FromQuery(Name = "model")]
    [Count(0, SessionFilterInput.MaxValuesPerParameter)]
    public List<string>? Model { get; init; }

    /// <summary><c>user</c>, <c>eval</c> or <c>worker</c> (repeatable).</summary>
    [FromQuery(Name = "origin")]
    [Count(0, SessionFilterInput.MaxValuesPerParameter)]
    public List<string>? Origin { get; init; }

    /// <summary><c>key:value</c> (repeatable): values of one key OR, different keys AND.</summary>
    [FromQuery(Name = "label")]
    [Count(0, SessionFilterInput.MaxLabelFilters)]
    public List<string>? Label { get; init; }

    /// <summary><c>active</c> (default), <c>archived</c> or <c>any</c>.</summary>
    [FromQuery(Name = "archived")]
    public string? Archived { get; init; }

    /// <summary>Case-insensitive text in title, model, agent, label values or <c>key:value</c> (at most 200 characters).</summary>
    [FromQuery(Name = "search")]
    [MaxChars(SessionFilterInput.MaxSearchLength)]
    public string? Search { get; init; }

    /// <summary>Include sessions of origin <c>eval</c> (default false).</summary>
    [FromQuery(Name = "include_workload_sessions")]
    public bool? IncludeWorkloadSessions { get; init; }

    public SessionFilterInput ToFilterInput() => new(
        UserId ?? [],
        User ?? [],
        ProjectId ?? [],
        Agent ?? [],
        Model ?? [],
        Origin ?? [],
        Label ?? [],
        Archived,
        Search,
        IncludeWorkloadSessions);
}

/// <summary>The filters plus order and paging of <c>GET .../sessions</c>.</summary>
public sealed class ListSessionsParameters : SessionFilterParameters
{
    /// <summary><c>updated_at</c> (default), <c>last_message_at</c>, <c>created_at</c> or <c>message_count</c>.</summary>
    [FromQuery(Name = "sort_by")]
    public string? SortBy { get; init; }

    /// <summary><c>desc</c> (default) or <c>asc</c>.</summary>
    [FromQuery(Name = "sort_dir")]
    public string? SortDir { get; init; }

    /// <summary>From 1 (default 1).</summary>
    [FromQuery(Name = "page")]
    [Bounds(1, ListSessionsQuery.MaxPage, 1)]
    public int? Page { get; init; }

    /// <summary>1 to 100 (default 20).</summary>
    [FromQuery(Name = "limit")]
    [Bounds(1, ListSessionsQuery.MaxLimit, ListSessionsQuery.DefaultLimit)]
    public int? Limit { get; init; }
}

/// <summary>The filters plus the grouping and window of <c>GET .../sessions/usage</c>.</summary>
public sealed class UsageParameters : SessionFilterParameters
{
    /// <summary>Required: <c>model</c>, <c>agent</c>, <c>user</c>, <c>origin</c>, <c>day</c> or <c>label:&lt;key&gt;</c>.</summary>
    [FromQuery(Name = "group_by")]
    [RequiredField]
    public string? GroupBy { get; init; }

    /// <summary>Messages created at or after this RFC 3339 time.</summary>
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    /// <summary>Messages created before this RFC 3339 time.</summary>
    [FromQuery(Name = "to")]
    public string? To { get; init; }
}
