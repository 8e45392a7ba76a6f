using Microsoft.EntityFrameworkCore;
using Sessions.Application.Items;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionItemStore(SessionsDbContext db) : ISessionItemStore
{
    public Task<SessionItem?> FindByDedupeKeyAsync(Guid sessionId, string dedupeKey, CancellationToken cancellationToken) =>
        db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.SessionId == sessionId && i.DedupeKey == dedupeKey, cancellationToken);

    public void Add(SessionItem item) => db.Items.Add(item);

    public async Task<IReadOnlyList<SessionItem>> ListAsync(Guid sessionId, int take, CancellationToken cancellationToken) =>
        await db.Items.AsNoTracking()
            .Where(i => i.SessionId == sessionId)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
}
