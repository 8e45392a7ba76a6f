using Microsoft.EntityFrameworkCore;
using Sessions.Application.Transcripts;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class TranscriptReadStore(SessionsDbContext db) : ITranscriptReadStore
{
    public async Task<IReadOnlyList<MessageView>> PageAsync(Guid sessionId, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken)
    {
        var page = await Messages(sessionId, includeCompacted)
            .Where(m => m.Seq > afterSeq)
            .OrderBy(m => m.Seq)
            .Take(take)
            .ToListAsync(cancellationToken);
        return [.. page.Select(MessageView.From)];
    }

    public async Task<(IReadOnlyList<MessageView> Matches, long Total)> SearchAsync(Guid sessionId, string text, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken)
    {
        var messages = Messages(sessionId, includeCompacted);
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

    private IQueryable<SessionMessage> Messages(Guid sessionId, bool includeCompacted)
    {
        var messages = db.Messages.AsNoTracking().Where(m => m.SessionId == sessionId);
        return includeCompacted ? messages : messages.Where(m => m.CompactedAt == null);
    }
}
