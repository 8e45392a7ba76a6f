namespace Sessions.Domain.Sessions;

/// <summary>
/// Token and cost sums over a set of messages. A session keeps two: over every message (lifetime)
/// and over the non-compacted ones (current era). <see cref="UncostedUsageCount"/> counts messages
/// that carry usage without a cost, which makes the summed cost unknown (null).
/// </summary>
public sealed record UsageTotals(
    long MessageCount,
    long InputTokens,
    long OutputTokens,
    long CacheReadInputTokens,
    long CacheCreationInputTokens,
    long ToolCallCount,
    decimal CostUsd,
    long UncostedUsageCount)
{
    /// <summary>The largest cost the databases store: 10 integer digits and 10 decimal places.</summary>
    public const decimal MaxCostUsd = 9_999_999_999.9999999999m;

    public static UsageTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, 0m, 0);

    /// <summary>Whether adding <paramref name="more"/> keeps the cost and every token sum within what the databases store.</summary>
    public bool CanTake(UsageTotals more) =>
        CostUsd + more.CostUsd <= MaxCostUsd
        && Fits(InputTokens, more.InputTokens)
        && Fits(OutputTokens, more.OutputTokens)
        && Fits(CacheReadInputTokens, more.CacheReadInputTokens)
        && Fits(CacheCreationInputTokens, more.CacheCreationInputTokens);

    /// <summary>Whether <paramref name="more"/> tokens (none negative) added to <paramref name="sum"/> stay within 64 bits.</summary>
    public static bool Fits(long sum, long more) => sum <= long.MaxValue - more;

    /// <summary>Drops the trailing zeros a database's fixed scale adds, so a cost reads the same however it was stored.</summary>
    public static decimal? Normalize(decimal? cost) => cost / 1.000000000000000000000000000000000m;

    /// <summary>The summed cost, or null when any message with usage lacks a cost.</summary>
    public decimal? KnownCostUsd => UncostedUsageCount > 0 ? null : CostUsd;

    public static UsageTotals Of(SessionMessage message)
    {
        var usage = message.Usage;
        return new UsageTotals(
            1,
            usage?.InputTokens ?? 0,
            usage?.OutputTokens ?? 0,
            usage?.CacheReadInputTokens ?? 0,
            usage?.CacheCreationInputTokens ?? 0,
            message.ToolCallCount,
            usage?.CostUsd ?? 0m,
            usage is { CostUsd: null } ? 1 : 0);
    }

    public static UsageTotals operator +(UsageTotals left, UsageTotals right) => new(
        left.MessageCount + right.MessageCount,
        left.InputTokens + right.InputTokens,
        left.OutputTokens + right.OutputTokens,
        left.CacheReadInputTokens + right.CacheReadInputTokens,
        left.CacheCreationInputTokens + right.CacheCreationInputTokens,
        left.ToolCallCount + right.ToolCallCount,
        left.CostUsd + right.CostUsd,
        left.UncostedUsageCount + right.UncostedUsageCount);

    public static UsageTotals operator -(UsageTotals left, UsageTotals right) => new(
        left.MessageCount - right.MessageCount,
        left.InputTokens - right.InputTokens,
        left.OutputTokens - right.OutputTokens,
        left.CacheReadInputTokens - right.CacheReadInputTokens,
        left.CacheCreationInputTokens - right.CacheCreationInputTokens,
        left.ToolCallCount - right.ToolCallCount,
        left.CostUsd - right.CostUsd,
        left.UncostedUsageCount - right.UncostedUsageCount);
}
