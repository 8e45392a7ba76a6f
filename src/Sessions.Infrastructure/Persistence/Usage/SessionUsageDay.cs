using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Usage;

/// <summary>
/// The usage of one session's messages created on one UTC day. Kept in the same transaction as
/// every append and rewind (<see cref="UsageDayDeltas"/>), so usage by day, or within a window
/// of whole days, sums a few rows per session instead of reading every message. The row repeats
/// what visibility and the default filters look at (owner, shared, archived, origin), kept equal
/// to the session's by every change of them, so such sums need not join the sessions.
/// </summary>
public sealed class SessionUsageDay
{
    public Guid SessionId { get; init; }

    /// <summary>The session's workspace (a session never moves): usage by day reads one workspace's rows by it.</summary>
    public Guid WorkspaceId { get; init; }

    public Guid UserId { get; init; }

    public bool Shared { get; init; }

    public bool Archived { get; init; }

    public SessionOrigin Origin { get; init; }

    /// <summary>Midnight UTC of the day.</summary>
    public DateTime Day { get; init; }

    public long MessageCount { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    public long CacheReadInputTokens { get; init; }

    public long CacheCreationInputTokens { get; init; }

    public long ToolCallCount { get; init; }

    public decimal CostUsd { get; init; }

    /// <summary>Messages with usage but no cost: while any is counted, the cost is unknown.</summary>
    public long UncostedUsageCount { get; init; }

    public static SessionUsageDay From(Session session, DateTime day, UsageTotals totals) => new()
    {
        SessionId = session.Id,
        WorkspaceId = session.WorkspaceId,
        UserId = session.UserId,
        Shared = session.Visibility == SessionVisibility.Workspace,
        Archived = session.ArchivedAt is not null,
        Origin = session.Origin,
        Day = day,
        MessageCount = totals.MessageCount,
        InputTokens = totals.InputTokens,
        OutputTokens = totals.OutputTokens,
        CacheReadInputTokens = totals.CacheReadInputTokens,
        CacheCreationInputTokens = totals.CacheCreationInputTokens,
        ToolCallCount = totals.ToolCallCount,
        CostUsd = totals.CostUsd,
        UncostedUsageCount = totals.UncostedUsageCount,
    };
}
