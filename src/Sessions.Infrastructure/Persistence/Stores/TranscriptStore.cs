using Microsoft.EntityFrameworkCore;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class TranscriptStore(SessionsDbContext db) : ITranscriptStore
{
    /// <summary>
    /// The stored messages with these ids of the session's life (tested in the same statement): a
    /// retry is told apart from a session created again under the id. The rows are read one at a
    /// time, and no further than the one whose text passes <paramref name="maxText"/> (the
    /// statement is the same, its reader closed early).
    /// </summary>
    public async Task<IReadOnlyList<SessionMessage>> FindByIdsAsync(SessionLifeKey session, IReadOnlyCollection<Guid> ids, long maxText, CancellationToken cancellationToken)
    {
        var found = new List<SessionMessage>();
        if (ids.Count == 0)
        {
            return found;
        }

        var text = 0L;
        await foreach (var message in db.Messages.AsNoTracking().OfLife(db, session).Where(m => ids.Contains(m.Id)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            found.Add(message);
            text += MessagesRead.TextOf(message);
            if (text > maxText)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Queued for the save: all messages of an append go out as one multi-row insert.</summary>
    public void Add(IEnumerable<SessionMessage> messages)
    {
        foreach (var message in messages)
        {
            db.Append(message);
        }
    }

    public async Task<UsageTotals> CompactAsync(Guid sessionId, long upToSeq, DateTime at, CancellationToken cancellationToken)
    {
        var compacting = db.Messages.Where(m => m.SessionId == sessionId && m.Seq <= upToSeq && m.CompactedAt == null);
        var totals = (await UsageSums.ByEraAsync(compacting, cancellationToken)).All;
        await compacting.ExecuteUpdateAsync(set => set.SetProperty(m => m.CompactedAt, at), cancellationToken);
        return totals;
    }

    public async Task<RewindPlan?> PlanRewindAsync(Guid sessionId, long fromSeq, CancellationToken cancellationToken)
    {
        var messages = db.Messages.AsNoTracking().Where(m => m.SessionId == sessionId);
        var target = await messages.Where(m => m.Seq == fromSeq)
            .Select(m => new { m.Role, m.CompactedAt, m.Content })
            .SingleOrDefaultAsync(cancellationToken);
        if (target is null)
        {
            return null;
        }

        var removed = await UsageSums.ByEraAsync(messages.Where(m => m.Seq >= fromSeq), cancellationToken);
        var restored = await UsageSums.ByEraAsync(CompactedBySummariesFrom(messages, fromSeq), cancellationToken);
        var before = messages.Where(m => m.Seq < fromSeq).OrderByDescending(m => m.Seq);
        var lastGeneration = await before.Where(m => m.Usage != null).Select(m => new { m.Usage!.InputTokens, m.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        var lastMessageAt = await before.Select(m => (DateTime?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return new RewindPlan(
            fromSeq, target.Role, target.CompactedAt is not null, target.Content, removed.All, removed.Current, lastGeneration?.InputTokens, lastGeneration?.CreatedAt, lastMessageAt)
        {
            Restored = restored.All,
        };
    }

    /// <summary>
    /// The messages before <paramref name="fromSeq"/> compacted by a compaction whose summary is at
    /// or after it: a compaction stamps the messages it compacts with the instant its summary is
    /// written at (<c>CompactTranscriptHandler</c>), to the microsecond on every database, and the
    /// summary is the first message after them stamped so (a later message may share the instant
    /// when clocks step back, which the summary before it tells apart).
    /// </summary>
    private static IQueryable<SessionMessage> CompactedBySummariesFrom(IQueryable<SessionMessage> messages, long fromSeq) =>
        messages.Where(m => m.Seq < fromSeq && m.CompactedAt != null
            && messages.Any(later => later.Seq >= fromSeq && later.CreatedAt == m.CompactedAt)
            && !messages.Any(between => between.Seq > m.Seq && between.Seq < fromSeq && between.CreatedAt == m.CompactedAt));

    /// <summary>
    /// Deletes the messages, and takes their usage off the days they were counted in (read as a
    /// stream: a long tail is not held in memory); the messages a deleted summary stood for are
    /// current again.
    /// </summary>
    public async Task DeleteFromAsync(Guid sessionId, long fromSeq, CancellationToken cancellationToken)
    {
        var messages = db.Messages.Where(m => m.SessionId == sessionId);
        await CompactedBySummariesFrom(messages, fromSeq).ExecuteUpdateAsync(set => set.SetProperty(m => m.CompactedAt, (DateTime?)null), cancellationToken);
        var removed = messages.Where(m => m.Seq >= fromSeq);
        var usages = removed.Select(m => new
        {
            m.CreatedAt,
            Input = (long?)m.Usage!.InputTokens,
            Output = (long?)m.Usage!.OutputTokens,
            CacheRead = (long?)m.Usage!.CacheReadInputTokens,
            CacheCreation = (long?)m.Usage!.CacheCreationInputTokens,
            Cost = m.Usage!.CostUsd,
            Uncosted = m.Usage != null && m.Usage.CostUsd == null,
            m.ToolCallCount,
        });
        await foreach (var usage in usages.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var totals = new UsageTotals(1, usage.Input ?? 0, usage.Output ?? 0, usage.CacheRead ?? 0, usage.CacheCreation ?? 0, usage.ToolCallCount, usage.Cost ?? 0m, usage.Uncosted ? 1 : 0);
            db.UsageDayDeltas.Subtract(sessionId, usage.CreatedAt, totals);
        }

        await removed.ExecuteDeleteAsync(cancellationToken);
    }
}
