using Microsoft.EntityFrameworkCore;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionRepository(SessionsDbContext db) : ISessionRepository
{
    public async Task<Session?> GetForUpdateAsync(Guid id, CancellationToken cancellationToken)
    {
        await LockAsync(id, cancellationToken);
        return await db.Sessions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
    }

    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) =>
        db.Sessions.AnyAsync(s => s.Id == id, cancellationToken);

    public void Add(Session session) => db.Sessions.Add(session);

    /// <summary>
    /// Takes the session row's write lock for the rest of the transaction. SQLite needs none: its
    /// write transactions (BEGIN IMMEDIATE) already run one at a time.
    /// </summary>
    private Task LockAsync(Guid id, CancellationToken cancellationToken) => db.Provider switch
    {
        DatabaseProvider.Postgres => db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM sessions WHERE id = {id} FOR UPDATE", cancellationToken),
        DatabaseProvider.SqlServer => db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM sessions WITH (UPDLOCK, ROWLOCK, HOLDLOCK) WHERE id = {id}", cancellationToken),
        _ => Task.CompletedTask,
    };
}
