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

    public async Task<IReadOnlyList<SessionItem>> PageAsync(SessionLifeKey session, ItemPlace? after, int take, CancellationToken cancellationToken)
    {
        var items = db.Items.AsNoTracking().OfLife(db, session);
        if (after is not null)
        {
            items = items.Where(i => i.CreatedAt < after.CreatedAt || (i.CreatedAt == after.CreatedAt && i.Id.CompareTo(after.Id) < 0));
        }

        return await items.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Take(take).ToListAsync(cancellationToken);
    }
}
