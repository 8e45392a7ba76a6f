using Microsoft.AspNetCore.Mvc;
using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Application.Groups;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;

namespace Sessions.Api.Contracts;

/// <summary>The body of <c>POST .../sessions/groups</c> (CONTRACT §5.5).</summary>
public sealed record CreateGroupRequest
{
    /// <summary>Required: <c>worker_run</c>, <c>evaluation_item</c> or <c>workflow</c>.</summary>
    [RequiredField]
    public GroupKind? Kind { get; init; }

    /// <summary>Required.</summary>
    [RequiredField]
    public Guid? ProjectId { get; init; }

    /// <summary>At most 255 characters.</summary>
    [MaxChars(FieldLimits.GroupText)]
    public string? Title { get; init; }

    /// <summary><c>running</c> (default), <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public GroupStatus? Status { get; init; }

    [MaxChars(FieldLimits.GroupText)]
    public string? Capability { get; init; }

    [MaxChars(FieldLimits.GroupText)]
    public string? CapabilityVersion { get; init; }

    [MaxChars(FieldLimits.GroupText)]
    public string? Worker { get; init; }

    public Guid? EvaluationId { get; init; }

    public Guid? EvaluationItemId { get; init; }

    public Guid? EvaluationItemAttemptId { get; init; }

    public Guid? RuntimeId { get; init; }

    /// <summary>A JSON object of at most 64 KiB.</summary>
    public GroupMetadataDictionary? Metadata { get; init; }
}

/// <summary>The body of <c>PATCH .../sessions/groups/{group_id}</c>: the fields sent change, the others stay.</summary>
public sealed record UpdateGroupRequest
{
    [MaxChars(FieldLimits.GroupText)]
    public string? Title { get; init; }

    /// <summary>A finished group (<c>completed</c>, <c>failed</c>, <c>cancelled</c>) keeps its status: another is 409.</summary>
    public GroupStatus? Status { get; init; }

    /// <summary>Replaces the metadata: a JSON object of at most 64 KiB.</summary>
    public GroupMetadataDictionary? Metadata { get; init; }
}

/// <summary>The filters and paging of <c>GET .../sessions/groups</c>: the list filters apply to the groups' sessions.</summary>
public sealed class ListGroupsParameters : SessionFilterParameters
{
    /// <summary>Group status (repeatable).</summary>
    [FromQuery(Name = "status")]
    public List<string>? Status { get; init; }

    /// <summary>Group kind (repeatable).</summary>
    [FromQuery(Name = "kind")]
    public List<string>? Kind { get; init; }

    /// <summary>From 1 (default 1).</summary>
    [FromQuery(Name = "page")]
    [Bounds(1, ListSessionsQuery.MaxPage, 1)]
    public int? Page { get; init; }

    /// <summary>1 to 100 (default 20).</summary>
    [FromQuery(Name = "limit")]
    [Bounds(1, GroupRules.MaxLimit, GroupRules.DefaultLimit)]
    public int? Limit { get; init; }
}

/// <summary>The filters and paging of <c>GET .../sessions/grouped</c>.</summary>
public sealed class GroupedSessionsParameters : SessionFilterParameters
{
    /// <summary>From 1 (default 1).</summary>
    [FromQuery(Name = "page")]
    [Bounds(1, ListSessionsQuery.MaxPage, 1)]
    public int? Page { get; init; }

    /// <summary>Buckets per page: 1 to 100 (default 20).</summary>
    [FromQuery(Name = "limit")]
    [Bounds(1, GroupRules.MaxLimit, GroupRules.DefaultLimit)]
    public int? Limit { get; init; }

    /// <summary>Sessions listed per bucket: 1 to 100 (default 20).</summary>
    [FromQuery(Name = "sessions_per_group")]
    [Bounds(1, GroupedSessionsQuery.MaxSessionsPerGroup, GroupedSessionsQuery.DefaultSessionsPerGroup)]
    public int? SessionsPerGroup { get; init; }
}
