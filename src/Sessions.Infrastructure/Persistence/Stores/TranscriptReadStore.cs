using Microsoft.EntityFrameworkCore;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class TranscriptReadStore(SessionsDbContext db) : ITranscriptReadStore
{
    public Task<MessagesRead> PageAsync(SessionLifeKey session, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken) =>
        ReadAsync(Messages(session, includeCompacted).Where(m => m.Seq > afterSeq).OrderBy(m => m.Seq).Take(take), cancellationToken);

    public async Task<MessagesRead> PageAsOfAsync(SessionLifeKey session, TranscriptAsOf asOf, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken)
    {
        var (lastSeq, changed) = (asOf.LastSeq, asOf.Changed);
        var messages = Messages(session, includeCompacted: true).Where(m => m.Seq > afterSeq && m.Seq <= lastSeq);
        var read = await ReadAsync((includeCompacted ? messages : messages.Where(m => m.CompactedAt == null || m.CompactedAt > changed)).OrderBy(m => m.Seq).Take(take), cancellationToken);
        // A message compacted since the moment was current then.
        return read with { Messages = [.. read.Messages.Select(m => m.CompactedAt > changed ? m with { CompactedAt = null } : m)] };
    }

    public async Task<(MessagesRead Matches, long Total)> SearchAsync(SessionLifeKey session, string text, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken)
    {
        var messages = Messages(session, includeCompacted);
        var pattern = $"%{SessionQueries.EscapeLike(text, db.Provider)}%";
        IQueryable<SessionMessage> matching;
        if (db.Provider != DatabaseProvider.Sqlite)
        {
            matching = messages.Where(m => EF.Functions.Like(m.Content.ToLower(), SessionQueries.Lower(pattern), SessionQueries.LikeEscape));
        }
        else if (SqliteCaseFolding.FoldsBeyondAscii(text))
        {
            var glob = SqliteCaseFolding.Glob(text);
            matching = messages.Where(m => EF.Functions.Glob(m.Content, glob));
        }
        else
        {
            // SQLite's LIKE folds ASCII letters itself.
            matching = messages.Where(m => EF.Functions.Like(m.Content, pattern, SessionQueries.LikeEscape));
        }
        await using var snapshot = await OneSnapshot.BeginAsync(db, cancellationToken);
        var page = await ReadAsync(matching.Where(m => m.Seq > afterSeq).OrderBy(m => m.Seq).Take(take), cancellationToken);

        // A first page that ends before its limit and its text budget holds every match: it is the
        // count, and the transcript is not matched a second time for it.
        var holdsAll = afterSeq < 1 && page.Messages.Count < take && !page.EndedAtTextBudget;
        return (page, holdsAll ? page.Messages.Count : await matching.LongCountAsync(cancellationToken));
    }

    /// <summary>
    /// Reads the page's rows one at a time, ending before the row whose text would take the page
    /// past <see cref="MessagesRead.MaxText"/> (that row, read, shows more follow; a page holds one
    /// row at least): the rows after it are not materialized (the statement is the same, its reader
    /// closed early).
    /// </summary>
    private static async Task<MessagesRead> ReadAsync(IQueryable<SessionMessage> page, CancellationToken cancellationToken)
    {
        var read = new List<MessageView>();
        var text = 0L;
        await foreach (var message in page.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            text += MessagesRead.TextOf(message);
            if (text > MessagesRead.MaxText && read.Count > 0)
            {
                return new MessagesRead(read, EndedAtTextBudget: true);
            }

            read.Add(MessageView.From(message));
        }

        return new MessagesRead(read, EndedAtTextBudget: false);
    }

    /// <summary>The messages of the session's life (<see cref="SessionLives.OfLife"/>), the compacted ones when asked.</summary>
    private IQueryable<SessionMessage> Messages(SessionLifeKey session, bool includeCompacted)
    {
        var messages = db.Messages.AsNoTracking().OfLife(db, session);
        return includeCompacted ? messages : messages.Where(m => m.CompactedAt == null);
    }
}
