using Microsoft.EntityFrameworkCore;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>Usage sums of a set of messages, computed by the database in one grouped statement.</summary>
internal static class UsageSums
{
    /// <summary>The sums over all the messages, and over those not compacted (the current era).</summary>
    public static async Task<(UsageTotals All, UsageTotals Current)> ByEraAsync(IQueryable<SessionMessage> messages, CancellationToken cancellationToken)
    {
        var eras = await messages
            .Select(m => new
            {
                Current = m.CompactedAt == null,
                Input = (long?)m.Usage!.InputTokens,
                Output = (long?)m.Usage!.OutputTokens,
                CacheRead = (long?)m.Usage!.CacheReadInputTokens,
                CacheCreation = (long?)m.Usage!.CacheCreationInputTokens,
                Cost = m.Usage!.CostUsd,
                Uncosted = m.Usage != null && m.Usage.CostUsd == null ? 1L : 0L,
                ToolCalls = (long)m.ToolCallCount,
            })
            .GroupBy(m => m.Current)
            .Select(g => new
            {
                Current = g.Key,
                Count = g.LongCount(),
                Input = g.Sum(m => m.Input) ?? 0,
                Output = g.Sum(m => m.Output) ?? 0,
                CacheRead = g.Sum(m => m.CacheRead) ?? 0,
                CacheCreation = g.Sum(m => m.CacheCreation) ?? 0,
                ToolCalls = g.Sum(m => m.ToolCalls),
                Cost = g.Sum(m => m.Cost) ?? 0m,
                Uncosted = g.Sum(m => m.Uncosted),
            })
            .ToListAsync(cancellationToken);
        var all = UsageTotals.Zero;
        var current = UsageTotals.Zero;
        foreach (var era in eras)
        {
            var totals = new UsageTotals(era.Count, era.Input, era.Output, era.CacheRead, era.CacheCreation, era.ToolCalls, era.Cost, era.Uncosted);
            all += totals;
            if (era.Current)
            {
                current += totals;
            }
        }

        return (all, current);
    }
}
