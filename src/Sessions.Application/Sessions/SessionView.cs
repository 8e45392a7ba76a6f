using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>A user as shown beside a session: enough for an email chip.</summary>
public sealed record UserChip(Guid Id, string? Email, string? FullName, string? Username);

/// <summary>Token usage of a session's transcript (CONTRACT §6).</summary>
public sealed record UsageView(
    long TotalInputTokens,
    long TotalOutputTokens,
    long TotalCacheReadInputTokens,
    long TotalCacheCreationInputTokens,
    long TotalToolCallCount,
    decimal? TotalCostUsd,
    long TotalMessageCount,
    long CurrentMessageCount,
    long CurrentInputTokens,
    long CurrentOutputTokens,
    long CurrentCacheReadInputTokens,
    long CurrentCacheCreationInputTokens,
    long CurrentToolCallCount,
    decimal? CurrentCostUsd,
    long? LastGenerationInputTokens)
{
    public static UsageView From(UsageTotals total, UsageTotals current, long? lastGenerationInputTokens) => new(
        total.InputTokens,
        total.OutputTokens,
        total.CacheReadInputTokens,
        total.CacheCreationInputTokens,
        total.ToolCallCount,
        UsageTotals.Normalize(total.KnownCostUsd),
        total.MessageCount,
        current.MessageCount,
        current.InputTokens,
        current.OutputTokens,
        current.CacheReadInputTokens,
        current.CacheCreationInputTokens,
        current.ToolCallCount,
        UsageTotals.Normalize(current.KnownCostUsd),
        lastGenerationInputTokens);
}

/// <summary>The session object every session answer carries (CONTRACT §6).</summary>
public sealed record SessionView(
    Guid Id,
    Guid UserId,
    UserChip? CreatedBy,
    string? Title,
    string Model,
    string? Agent,
    SessionOrigin Origin,
    SessionVisibility Visibility,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Labels,
    int MessageCount,
    string? PreviewText,
    Guid? ProjectId,
    Guid? RuntimeId,
    Guid? GroupId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastMessageAt,
    DateTime? ArchivedAt,
    DateTime? PinnedAt,
    DateTime? FrozenAt,
    FrozenBy? FrozenBy,
    UserChip? SharedBy,
    DateTime? SharedAt,
    UsageView Usage)
{
    /// <summary>The session's version (the API sends it as the ETag).</summary>
    public long Version { get; init; }

    /// <summary>The one mapping from the aggregate to its answer, used by commands and queries alike.</summary>
    public static SessionView From(Session session, UserChip? createdBy, UserChip? sharedBy) => new(
        session.Id,
        session.UserId,
        createdBy,
        session.Title,
        session.Model,
        session.Agent,
        session.Origin,
        session.Visibility,
        session.LabelMap,
        session.MessageCount,
        session.PreviewText,
        session.ProjectId,
        session.RuntimeId,
        session.GroupId,
        session.CreatedAt,
        session.UpdatedAt,
        session.LastMessageAt,
        session.ArchivedAt,
        session.PinnedAt,
        session.FrozenAt,
        session.FrozenBy,
        sharedBy,
        session.SharedAt,
        UsageView.From(session.TotalUsage, session.CurrentUsage, session.LastGenerationInputTokens))
    {
        Version = session.Version,
    };
}
