using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionRepository(SessionsDbContext db) : ISessionRepository
{
    /// <summary>
    /// Locks and loads in one statement: the query that reads the session takes its row lock
    /// (<see cref="RowLockInterceptor"/>). On SQLite the write transaction is already the only one
    /// (<see cref="SqliteWriterGate"/>, <c>BEGIN IMMEDIATE</c>). Compiled (every command that
    /// writes rows beside the session's runs it while holding the lock, and so does a rerun of one
    /// that loaded without it); PostgreSQL keeps it prepared.
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> LockAndLoad = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(RowLockInterceptor.Tag).TagWith(PostgresPreparedStatements.Tag).Where(s => s.Id == id)));

    /// <summary>The same read without the row lock (compiled, prepared on PostgreSQL): the version check of the update guards the change.</summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> Load = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(PostgresPreparedStatements.Tag).Where(s => s.Id == id)));

    public Task<Session?> GetForUpdateAsync(Guid id, CancellationToken cancellationToken) => OneAsync(LockAndLoad, id, cancellationToken);

    public Task<Session?> GetForChangeAsync(Guid id, CancellationToken cancellationToken) => OneAsync(Load, id, cancellationToken);

    /// <summary>Locks and loads the sessions the audience can see, in one statement, in id order so two batches never wait on each other in a circle.</summary>
    public async Task<IReadOnlyDictionary<Guid, Session>> GetManyForUpdateAsync(SessionAudience audience, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        await db.Sessions.TagWith(RowLockInterceptor.Tag).VisibleTo(audience).Where(s => ids.Contains(s.Id)).OrderBy(s => s.Id)
            .ToDictionaryAsync(s => s.Id, cancellationToken);

    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) =>
        db.Sessions.AnyAsync(s => s.Id == id, cancellationToken);

    public void Add(Session session) => db.Sessions.Add(session);

    public void Remove(Session session) => db.Sessions.Remove(session);

    private async Task<Session?> OneAsync(CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> load, Guid id, CancellationToken cancellationToken) =>
        (await load.For(db)(db, id).ToListAsync(cancellationToken)).SingleOrDefault();
}
