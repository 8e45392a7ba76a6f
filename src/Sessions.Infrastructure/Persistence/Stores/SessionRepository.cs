using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Configurations;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionRepository(SessionsDbContext db) : ISessionRepository
{
    /// <summary>
    /// Locks and loads in one statement: the query that reads the session takes its row lock
    /// (<see cref="RowLockInterceptor"/>). On SQLite the write transaction is already the only one
    /// (<see cref="SqliteWriterGate"/>, <c>BEGIN IMMEDIATE</c>). Compiled (every command that
    /// writes rows beside the session's runs it while holding the lock, and so does a rerun of one
    /// that loaded without it); PostgreSQL keeps it prepared. Each row carries the session's version
    /// as the statement's snapshot saw it (<see cref="Locked"/>).
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Locked>>> LockAndLoad = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(RowLockInterceptor.Tag).TagWith(PostgresPreparedStatements.Tag).Where(s => s.Id == id)
            .Select(s => new Locked(s, db.Sessions.Where(seen => seen.Id == s.Id).Select(seen => seen.Version).First()))));

    /// <summary>The same, with the label rows a change of the session's labels replaces.</summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Locked>>> LockAndLoadWithLabelRows = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(RowLockInterceptor.Tag).TagWith(PostgresPreparedStatements.Tag).Include(s => s.Labels).Where(s => s.Id == id)
            .Select(s => new Locked(s, db.Sessions.Where(seen => seen.Id == s.Id).Select(seen => seen.Version).First()))));

    /// <summary>The same read without the row lock (compiled, prepared on PostgreSQL): the version check of the update guards the change.</summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> Load = new(() => EF.CompileAsyncQuery(
        (SessionsDbContext db, Guid id) => db.Sessions.TagWith(PostgresPreparedStatements.Tag).Where(s => s.Id == id)));

    /// <summary>
    /// The session under its row lock, with the rows beside it as the lock's holder left them. A
    /// statement that waited for the lock returns the row as the writer before it committed it, but
    /// everything else it read (the labels) as its snapshot had it, from before that writer
    /// (PostgreSQL's read committed; SQL Server's with row versioning): the session's version
    /// then differs from the one the snapshot saw, and the session is read again by a new
    /// statement, which sees what the writer committed (the lock is held now: it does not wait).
    /// </summary>
    public async Task<Session?> GetForUpdateAsync(Guid id, bool withLabelRows, CancellationToken cancellationToken) =>
        (await ReadAgainIfWaitedAsync(_ => (withLabelRows ? LockAndLoadWithLabelRows : LockAndLoad).For(db)(db, id).ToListAsync(cancellationToken).AsTask())).SingleOrDefault()?.Session;

    public Task<Session?> GetForChangeAsync(Guid id, CancellationToken cancellationToken) => OneAsync(Load, id, cancellationToken);

    /// <summary>
    /// Locks and loads the sessions the audience can see, in one statement, in id order so two
    /// batches never wait on each other in a circle; read again, as <see cref="GetForUpdateAsync"/>
    /// does, when the statement waited for a lock: the sessions it locked, and no others. A session
    /// its snapshot did not see (created under an id of the batch, or shared, while it waited) is not
    /// the batch's: taking its lock then, while holding locks of higher ids, would break the order.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, Session>> GetManyForUpdateAsync(SessionAudience audience, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        (await ReadAgainIfWaitedAsync(lockedBefore =>
        {
            var asked = lockedBefore ?? ids;
            return db.Sessions.TagWith(RowLockInterceptor.Tag).VisibleTo(audience).Where(s => asked.Contains(s.Id)).OrderBy(s => s.Id)
                .Select(s => new Locked(s, db.Sessions.Where(seen => seen.Id == s.Id).Select(seen => seen.Version).First()))
                .ToListAsync(cancellationToken);
        }))
        .ToDictionary(l => l.Session.Id, l => l.Session);

    /// <summary>
    /// Runs a locked load, and runs it again when it waited for a lock, over the ids the first run
    /// locked (the argument: null the first time): what it read first (the sessions and any label
    /// rows) is no longer tracked, and the second run, which holds their locks, reads them as their
    /// last writer committed them.
    /// </summary>
    private async Task<List<Locked>> ReadAgainIfWaitedAsync(Func<IReadOnlyCollection<Guid>?, Task<List<Locked>>> load)
    {
        var locked = await load(null);
        if (!locked.Any(l => l.Waited))
        {
            return locked;
        }

        var read = locked.Select(l => l.Session.Id).ToHashSet();
        foreach (var label in db.ChangeTracker.Entries<SessionLabel>().Where(e => read.Contains((Guid)e.Property(SessionLabelConfiguration.SessionId).CurrentValue!)).ToList())
        {
            label.State = EntityState.Detached;
        }

        foreach (var session in locked.Select(l => l.Session))
        {
            db.Entry(session).State = EntityState.Detached;
        }

        return await load([.. locked.Select(l => l.Session.Id)]);
    }

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

    private async Task<Session?> OneAsync(CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Session>>> load, Guid id, CancellationToken cancellationToken) =>
        (await load.For(db)(db, id).ToListAsync(cancellationToken)).SingleOrDefault();

    /// <summary>A session read under its row lock, and its version as the statement's snapshot saw it.</summary>
    private sealed record Locked(Session Session, long SeenVersion)
    {
        /// <summary>The statement waited for another writer's lock: the row is newer than the rest of what it read.</summary>
        public bool Waited => Session.Version != SeenVersion;
    }
}
