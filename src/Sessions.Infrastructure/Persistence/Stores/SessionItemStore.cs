using Microsoft.EntityFrameworkCore;
using Sessions.Application.Items;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionItemStore(SessionsDbContext db) : ISessionItemStore
{
    public Task<SessionItem?> FindByDedupeKeyAsync(SessionLifeKey session, string dedupeKey, CancellationToken cancellationToken) =>
        Items(session).SingleOrDefaultAsync(i => i.DedupeKey == dedupeKey, cancellationToken);

    public void Add(SessionItem item) => db.Items.Add(item);

    public async Task<IReadOnlyList<SessionItem>> ListAsync(SessionLifeKey session, int take, CancellationToken cancellationToken) =>
        await Items(session)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Take(take)
            .ToListAsync(cancellationToken);

    /// <summary>The items of the session's life: while the session row is the one created at that instant (tested in the same statement).</summary>
    private IQueryable<SessionItem> Items(SessionLifeKey session)
    {
        var (sessionId, createdAt) = session;
        return db.Items.AsNoTracking().Where(i => i.SessionId == sessionId && db.Sessions.Any(s => s.Id == sessionId && s.CreatedAt == createdAt));
    }
}
