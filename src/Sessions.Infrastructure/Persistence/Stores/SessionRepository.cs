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
    /// that loaded without it); PostgreSQL keeps it prepared. A statement that waited for the lock
    /// returns the row as the writer before it committed it (PostgreSQL's read committed rereads a
    /// locked row; SQL Server's lock hint makes its read of the row a locking one).
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> LockAndLoad = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(RowLockInterceptor.Tag).TagWith(PostgresPreparedStatements.Tag).Where(s => s.Id == id)));

    /// <summary>
    /// The same, with the label rows a change of the session's labels replaces, and the session's
    /// version as the statement's snapshot saw it (<see cref="Locked"/>): the rows are not locked,
    /// and are read as that snapshot had them.
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Locked>>> LockAndLoadWithLabelRows = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(RowLockInterceptor.Tag).TagWith(PostgresPreparedStatements.Tag).Include(s => s.Labels).Where(s => s.Id == id)
            .Select(s => new Locked(s, db.Sessions.Where(seen => seen.Id == s.Id).Select(seen => seen.Version).First()))));

    /// <summary>The same read without the row lock (compiled, prepared on PostgreSQL): the version check of the update guards the change.</summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> Load = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(PostgresPreparedStatements.Tag).Where(s => s.Id == id)));

    /// <summary>
    /// The session under its row lock, and with its label rows as the lock's holder left them. A
    /// statement that waited for the lock returns the row as the writer before it committed it, but
    /// the label rows as its snapshot had them, from before that writer (PostgreSQL's read
    /// committed; SQL Server's with row versioning): the session's version then differs from the
    /// one the snapshot saw, and the session is read again by a new statement, which sees what the
    /// writer committed (the lock is held now: it does not wait). Without the label rows, the row
    /// the statement returns is all there is to read.
    /// </summary>
    public async Task<Session?> GetForUpdateAsync(Guid id, bool withLabelRows, CancellationToken cancellationToken)
    {
        if (!withLabelRows)
        {
            return await OneAsync(LockAndLoad, id, cancellationToken);
        }

        var locked = await OneAsync(LockAndLoadWithLabelRows, id, cancellationToken);
        if (locked is not { Waited: true })
        {
            return locked?.Session;
        }

        foreach (var label in locked.Session.Labels)
        {
            db.Entry(label).State = EntityState.Detached;
        }

        db.Entry(locked.Session).State = EntityState.Detached;
        return (await OneAsync(LockAndLoadWithLabelRows, id, cancellationToken))?.Session;
    }

    public Task<Session?> GetForChangeAsync(Guid id, CancellationToken cancellationToken) => OneAsync(Load, id, cancellationToken);

    /// <summary>
    /// Locks and loads the sessions the audience can see, in one statement, in id order so two
    /// batches never wait on each other in a circle. A statement that waited for a lock returns the
    /// locked rows as their last writer committed them, and a session its snapshot did not see
    /// (created under an id of the batch, or shared, while it waited) not at all: it is not the
    /// batch's.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, Session>> GetManyForUpdateAsync(SessionAudience audience, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        await db.Sessions.TagWith(RowLockInterceptor.Tag).VisibleTo(audience).Where(s => ids.Contains(s.Id)).OrderBy(s => s.Id)
            .ToDictionaryAsync(s => s.Id, cancellationToken);

    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) =>
        db.Sessions.AnyAsync(s => s.Id == id, cancellationToken);

    public Task<string> GetPromptAsync(Guid sessionId, CancellationToken cancellationToken) => db.PromptTextAsync(sessionId, cancellationToken);

    public void StorePrompt(SessionPrompt prompt, bool replaces)
    {
        if (replaces)
        {
            db.Prompts.Update(prompt);
        }
        else
        {
            db.Prompts.Add(prompt);
        }
    }

    public void Add(Session session) => db.Sessions.Add(session);

    public void Remove(Session session) => db.Sessions.Remove(session);

    private async Task<T?> OneAsync<T>(CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<T>>> load, Guid id, CancellationToken cancellationToken)
        where T : class =>
        (await load.For(db)(db, id).ToListAsync(cancellationToken)).SingleOrDefault();

    /// <summary>A session read under its row lock, and its version as the statement's snapshot saw it.</summary>
    private sealed record Locked(Session Session, long SeenVersion)
    {
        /// <summary>The statement waited for another writer's lock: the row is newer than the rest of what it read.</summary>
        public bool Waited => Session.Version != SeenVersion;
    }
}
