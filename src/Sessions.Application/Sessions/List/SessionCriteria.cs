using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.List;

/// <summary>Which sessions, by lifecycle: not archived (the default), archived only, or both.</summary>
public enum ArchivedFilter
{
    Active,
    Archived,
    Any,
}

/// <summary>
/// The list and facet filters (CONTRACT §5.4), checked and typed. Values of one filter combine
/// with OR; different filters, and labels of different keys, with AND. They narrow what the caller
/// can see; they never widen it. <see cref="Owners"/> are the owners a session may have: null for
/// any owner, empty for none (<c>user_id</c> and <c>user</c> naming no one in common).
/// </summary>
public sealed record SessionCriteria(
    IReadOnlyList<Guid>? Owners,
    IReadOnlyList<Guid> ProjectIds,
    IReadOnlyList<string> Agents,
    IReadOnlyList<string> Models,
    IReadOnlyList<SessionOrigin> Origins,
    IReadOnlyList<IReadOnlyList<LabelMatch>> LabelGroups,
    ArchivedFilter Archived,
    string? Search,
    bool IncludeWorkloadSessions);

/// <summary>One label a <c>label=key:value</c> filter can mean: a key and one of its values.</summary>
public sealed record LabelMatch(string Key, string Value);

/// <summary>The order of a listing; ties are broken by id in the same direction.</summary>
public enum SessionSortField
{
    UpdatedAt,
    LastMessageAt,
    CreatedAt,
    MessageCount,
}

public enum SortDirection
{
    Desc,
    Asc,
}
