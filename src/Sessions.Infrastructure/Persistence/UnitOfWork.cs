using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Telemetry;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// One transaction per command, opened when the command first needs to write: at once for most
/// commands, and for commands about one session only after they have decided that something
/// changes (an idempotent repeat reads and answers without a transaction). On SQLite the
/// transaction starts only after the process's <see cref="SqliteWriterGate"/> lets it in. A lost
/// optimistic-concurrency race reruns the whole command on fresh state, a bounded number of times.
/// </summary>
internal sealed class UnitOfWork(SessionsDbContext db, SqliteWriterGate gate, SessionTurns turns, DatabaseOptions database, MembershipCache memberships) : IUnitOfWork
{
    private const int MaxAttempts = 3;

    private IDbContextTransaction? _transaction;

    /// <summary>The writer's place, held until the transaction ends: SQLite's writer gate, or the session's turn on a server.</summary>
    private IDisposable? _writerTurn;

    public bool Rerunning { get; private set; }

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Func<T, bool> commit, bool writeAtOnce, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                Rerunning = attempt > 1;
                try
                {
                    return await RunOnceAsync(work, commit, writeAtOnce, cancellationToken);
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                {
                    // Rerun on fresh state: the session's version moved under us.
                }
            }
        }
        finally
        {
            Rerunning = false;
        }
    }

    /// <summary>
    /// On SQLite the writer gate already lets one writer in at a time; on a server, writers to the
    /// same session queue in <see cref="SessionTurns"/> before their transaction takes the row lock.
    /// </summary>
    public async Task BeginWriteAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        if (_transaction is null && _writerTurn is null && db.Provider != DatabaseProvider.Sqlite)
        {
            _writerTurn = await turns.TakeAsync(sessionId, TimeSpan.FromSeconds(database.CommandTimeoutSeconds), cancellationToken);
        }

        await BeginWriteAsync(cancellationToken);
    }

    private async Task BeginWriteAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            return;
        }

        if (db.Provider == DatabaseProvider.Sqlite)
        {
            _writerTurn = await gate.EnterAsync(cancellationToken);
        }

        _transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // EF Core would wrap each save in a savepoint (two more statements, round trips on a
        // server, inside the lock) so that a failed save could be retried within the transaction.
        // A failed save here rolls the whole transaction back, and the command reruns on fresh state.
        db.Database.AutoSavepointsEnabled = false;
    }

    private async Task<T> RunOnceAsync<T>(Func<CancellationToken, ValueTask<T>> work, Func<T, bool> commit, bool writeAtOnce, CancellationToken cancellationToken)
    {
        var committed = false;
        try
        {
            if (writeAtOnce)
            {
                await BeginWriteAsync(cancellationToken);
            }

            var result = await work(cancellationToken);
            if (!commit(result))
            {
                return result;
            }

            if (_transaction is not null || db.ChangeTracker.HasChanges())
            {
                // Everything the save derives from the tracked changes (outbox rows, count deltas)
                // is taken before the write turn where it is not held yet, which then holds only
                // the writes and the commit.
                var membershipsChange = db.PrepareSave();
                try
                {
                    await BeginWriteAsync(cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);

                    // A commit once begun is not called off: a caller who leaves now would otherwise
                    // make its outcome depend on whether the cancel reached the database first.
                    await _transaction!.CommitAsync(CancellationToken.None);
                }
                finally
                {
                    // Also when the commit failed: the server may have applied it before the
                    // answer was lost, and forgetting answers is always safe.
                    if (membershipsChange)
                    {
                        memberships.Clear();
                    }
                }

                SessionsTelemetry.Committed(db.TakeSavedEvents());
            }

            committed = true;
            return result;
        }
        finally
        {
            await EndAsync(committed);
        }
    }

    /// <summary>Closes the transaction (rolling back what did not commit) and lets the next writer in (SQLite's, or the session's).</summary>
    private async Task EndAsync(bool committed)
    {
        try
        {
            if (!committed)
            {
                db.Discard();
            }

            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }
        }
        finally
        {
            // Whatever failed above, the next writer must not wait for this one forever.
            _transaction = null;
            _writerTurn?.Dispose();
            _writerTurn = null;
        }
    }
}
