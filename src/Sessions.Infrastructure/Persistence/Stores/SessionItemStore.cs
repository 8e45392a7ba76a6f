using Microsoft.EntityFrameworkCore;
using Sessions.Application.Items;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionItemStore(SessionsDbContext db) : ISessionItemStore
{
    public Task<SessionItem?> FindByDedupeKeyAsync(SessionLifeKey session, string dedupeKey, CancellationToken cancellationToken) =>
        db.Items.AsNoTracking().OfLife(db, session).SingleOrDefaultAsync(i => i.DedupeKey == dedupeKey, cancellationToken);

    public void Add(SessionItem item) => db.Items.Add(item);

    public async Task<IReadOnlyList<SessionItem>> ListAsync(SessionLifeKey session, int take, CancellationToken cancellationToken) =>
        await db.Items.AsNoTracking().OfLife(db, session)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
}
