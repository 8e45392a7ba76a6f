using System.Text.Json;
using Sessions.Domain.Groups;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary>One group with the sessions of it the caller sees.</summary>
public sealed record GroupDetail(
    GroupSummary Group,
    IReadOnlyList<SessionView> Sessions)
{
    public static GroupDetail From(App.Groups.GroupDetail source) => new(
        GroupSummary.From(source.Group),
        [.. source.Sessions.Select(SessionView.From)]);
}

/// <summary>A page of groups (CONTRACT §5.5).</summary>
public sealed record GroupPage(
    IReadOnlyList<GroupSummary> Groups,
    long Total,
    int Page,
    int Limit,
    long TotalPages,
    bool HasNext,
    bool HasPrevious)
{
    public static GroupPage From(App.Groups.GroupPage source) => new(
        [.. source.Groups.Select(GroupSummary.From)],
        source.Total,
        source.Page,
        source.Limit,
        source.TotalPages,
        source.HasNext,
        source.HasPrevious);
}

/// <summary>The group summary every group answer carries (CONTRACT §5.5).</summary>
public sealed record GroupSummary(
    Guid Id,
    GroupKind Kind,
    Guid ProjectId,
    string? Title,
    GroupStatus Status,
    string? Capability,
    string? CapabilityVersion,
    string? Worker,
    Guid? EvaluationId,
    Guid? EvaluationItemId,
    Guid? EvaluationItemAttemptId,
    Guid? RuntimeId,
    JsonElement? Metadata,
    UserChip? CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt,
    long SessionCount,
    long ActiveSessionCount,
    UsageView Usage)
{
    public static GroupSummary From(App.Groups.GroupSummary source) => new(
        source.Id,
        source.Kind,
        source.ProjectId,
        source.Title,
        source.Status,
        source.Capability,
        source.CapabilityVersion,
        source.Worker,
        source.EvaluationId,
        source.EvaluationItemId,
        source.EvaluationItemAttemptId,
        source.RuntimeId,
        source.Metadata,
        source.CreatedBy is null ? null : UserChip.From(source.CreatedBy),
        source.CreatedAt,
        source.UpdatedAt,
        source.CompletedAt,
        source.SessionCount,
        source.ActiveSessionCount,
        UsageView.From(source.Usage));
}

/// <summary>One bucket of <c>/grouped</c>: a group (null for the sessions of no group), its first sessions, and how many it has.</summary>
public sealed record GroupedBucket(
    GroupSummary? Group,
    IReadOnlyList<SessionView> Sessions,
    long SessionCount)
{
    public static GroupedBucket From(App.Groups.GroupedBucket source) => new(
        source.Group is null ? null : GroupSummary.From(source.Group),
        [.. source.Sessions.Select(SessionView.From)],
        source.SessionCount);
}

public sealed record GroupedPage(
    IReadOnlyList<GroupedBucket> Groups,
    long Total,
    int Page,
    int Limit,
    long TotalPages,
    bool HasNext,
    bool HasPrevious)
{
    public static GroupedPage From(App.Groups.GroupedPage source) => new(
        [.. source.Groups.Select(GroupedBucket.From)],
        source.Total,
        source.Page,
        source.Limit,
        source.TotalPages,
        source.HasNext,
        source.HasPrevious);
}
