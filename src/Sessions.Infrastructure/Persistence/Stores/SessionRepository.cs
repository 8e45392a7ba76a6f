using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionRepository(SessionsDbContext db) : ISessionRepository
{
    /// <summary>
    /// Locks and loads in one statement: the query that reads the session takes its row lock
    /// (<see cref="RowLockInterceptor"/>). On SQLite the write transaction is already the only one
    /// (<see cref="SqliteWriterGate"/>, <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    public async Task<Session?> GetForUpdateAsync(Guid id, CancellationToken cancellationToken) =>
        (await db.Sessions.TagWith(RowLockInterceptor.Tag).Where(s => s.Id == id).ToListAsync(cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyDictionary<Guid, Session>> GetManyForUpdateAsync(SessionAudience audience, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await LockAsync(ids, audience, cancellationToken);
        return await db.Sessions.VisibleTo(audience).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
    }

    public Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) =>
        db.Sessions.AnyAsync(s => s.Id == id, cancellationToken);

    public void Add(Session session) => db.Sessions.Add(session);

    public void Remove(Session session) => db.Sessions.Remove(session);

    /// <summary>
    /// Takes the row locks of those sessions the audience can see for the rest of the transaction,
    /// in id order so two batches never wait on each other in a circle. SQLite needs none: its
    /// write transactions already run one at a time.
    /// </summary>
    private Task LockAsync(IReadOnlyCollection<Guid> ids, SessionAudience audience, CancellationToken cancellationToken)
    {
        if (db.Provider == DatabaseProvider.Sqlite || ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        var parameters = ids.Cast<object>().ToList();
        var where = $"id IN ({string.Join(", ", ids.Select((_, i) => $"{{{i}}}"))})";
        parameters.Add(audience.WorkspaceId);
        where += $" AND workspace_id = {{{parameters.Count - 1}}}";
        if (!audience.SeesAllSessions)
        {
            parameters.Add(audience.UserId);
            where += $" AND (user_id = {{{parameters.Count - 1}}} OR visibility = '{nameof(SessionVisibility.Workspace)}')";
        }

        var sql = db.Provider == DatabaseProvider.Postgres
            ? $"SELECT 1 FROM sessions WHERE {where} ORDER BY id FOR UPDATE"
            : $"SELECT id FROM sessions WITH (UPDLOCK, ROWLOCK, HOLDLOCK) WHERE {where} ORDER BY id";
        return db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
    }
}
