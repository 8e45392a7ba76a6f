using Microsoft.EntityFrameworkCore;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class TranscriptReadStore(SessionsDbContext db) : ITranscriptReadStore
{
    public async Task<IReadOnlyList<MessageView>> PageAsync(SessionLifeKey session, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken)
    {
        var page = await Messages(session, includeCompacted)
            .Where(m => m.Seq > afterSeq)
            .OrderBy(m => m.Seq)
            .Take(take)
            .ToListAsync(cancellationToken);
        return [.. page.Select(MessageView.From)];
    }

    public async Task<(IReadOnlyList<MessageView> Matches, long Total)> SearchAsync(SessionLifeKey session, string text, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken)
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
        var total = await matching.LongCountAsync(cancellationToken);
        var page = await matching.Where(m => m.Seq > afterSeq).OrderBy(m => m.Seq).Take(take).ToListAsync(cancellationToken);
        return ([.. page.Select(MessageView.From)], total);
    }

    /// <summary>
    /// The messages of the session's life: while the session row is the one created at that instant
    /// (tested in the same statement, by its key), so none of a session created again under its id.
    /// </summary>
    private IQueryable<SessionMessage> Messages(SessionLifeKey session, bool includeCompacted)
    {
        var (sessionId, createdAt) = session;
        var messages = db.Messages.AsNoTracking()
            .Where(m => m.SessionId == sessionId && db.Sessions.Any(s => s.Id == sessionId && s.CreatedAt == createdAt));
        return includeCompacted ? messages : messages.Where(m => m.CompactedAt == null);
    }
}
