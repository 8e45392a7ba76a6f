using System.Text.Json;
using Sessions.Application.Sessions;
using Sessions.Domain.Groups;

namespace Sessions.Application.Groups;

/// <summary>How many of a group's sessions the caller sees (after the request's filters), how many are not archived, and their usage summed.</summary>
public sealed record GroupCounts(long SessionCount, long ActiveSessionCount, UsageView Usage)
{
    public static GroupCounts None { get; } = new(0, 0, UsageView.From(Domain.Sessions.UsageTotals.Zero, Domain.Sessions.UsageTotals.Zero, null));
}

/// <summary>A group with its creator's chip, as read.</summary>
public sealed record GroupRead(SessionGroup Group, UserChip? CreatedBy);

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
    public static GroupSummary From(GroupRead read, GroupCounts counts)
    {
        var group = read.Group;
        return new(
            group.Id,
            group.Kind,
            group.ProjectId,
            group.Title,
            group.Status,
            group.Capability,
            group.CapabilityVersion,
            group.Worker,
            group.EvaluationId,
            group.EvaluationItemId,
            group.EvaluationItemAttemptId,
            group.RuntimeId,
            group.MetadataJson is null ? null : Parse(group.MetadataJson),
            read.CreatedBy,
            group.CreatedAt,
            group.UpdatedAt,
            group.CompletedAt,
            counts.SessionCount,
            counts.ActiveSessionCount,
            counts.Usage);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>One group with the sessions of it the caller sees.</summary>
public sealed record GroupDetail(GroupSummary Group, IReadOnlyList<SessionView> Sessions);

/// <summary>A page of groups (CONTRACT §5.5).</summary>
public sealed record GroupPage(IReadOnlyList<GroupSummary> Groups, long Total, int Page, int Limit, long TotalPages, bool HasNext, bool HasPrevious);

/// <summary>One bucket of <c>/grouped</c>: a group (null for the sessions of no group), its first sessions, and how many it has.</summary>
public sealed record GroupedBucket(GroupSummary? Group, IReadOnlyList<SessionView> Sessions, long SessionCount);

public sealed record GroupedPage(IReadOnlyList<GroupedBucket> Groups, long Total, int Page, int Limit, long TotalPages, bool HasNext, bool HasPrevious);
