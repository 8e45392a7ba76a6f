using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// A read-only transaction in which the statements of one answer read one snapshot of the
/// database, for answers built of more than one statement whose parts must agree (usage buckets and
/// their totals, a search's match count and its page): a change committed between two of them shows
/// in neither or in both. SQLite: a deferred transaction, whose snapshot is taken at its first read
/// and which never takes the write lock; PostgreSQL: repeatable read, one snapshot for the
/// transaction (a read-only one is never refused for it). On SQL Server, where reading one snapshot
/// across statements needs a database option (snapshot isolation), the statements read as they
/// would alone. Inside a transaction already begun, nothing changes. Disposed, it ends: rolled
/// back, as nothing was written.
/// </summary>
internal sealed class OneSnapshot : IAsyncDisposable
{
    private readonly SessionsDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly SqliteTransaction? _sqlite;

    private OneSnapshot(SessionsDbContext db, IDbContextTransaction transaction, SqliteTransaction? sqlite)
    {
        _db = db;
        _transaction = transaction;
        _sqlite = sqlite;
    }

    /// <summary>
    /// Whether a single statement reads one snapshot on <paramref name="provider"/>, outside any
    /// transaction of this class: on SQLite and PostgreSQL it does; SQL Server's read committed
    /// reads a statement's rows at different moments (its snapshot options are database settings
    /// the service does not turn on), so a statement that takes one part of what it reads off
    /// another can see a change committed in between in one part only.
    /// </summary>
    public static bool WithinOneStatement(DatabaseProvider provider) => provider != DatabaseProvider.SqlServer;

    public static async Task<OneSnapshot?> BeginAsync(SessionsDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return null;
        }

        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
                await db.Database.OpenConnectionAsync(cancellationToken);
                SqliteTransaction? sqlite = null;
                try
                {
                    sqlite = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
                    return new OneSnapshot(db, await db.Database.UseTransactionAsync(sqlite, cancellationToken) ?? throw new InvalidOperationException("EF Core did not take the transaction."), sqlite);
                }
                catch
                {
                    if (sqlite is not null)
                    {
                        await sqlite.DisposeAsync();
                    }

                    await db.Database.CloseConnectionAsync();
                    throw;
                }
            case DatabaseProvider.Postgres:
                return new OneSnapshot(db, await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken), null);
            default:
                return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            if (_sqlite is not null)
            {
                try
                {
                    await _sqlite.DisposeAsync();
                }
                finally
                {
                    await _db.Database.CloseConnectionAsync();
                }
            }
        }
    }
}
