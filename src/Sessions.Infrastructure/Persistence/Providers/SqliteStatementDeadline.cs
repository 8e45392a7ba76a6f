using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Stops a SQLite statement that runs past its command's timeout, or whose caller went away.
/// Microsoft.Data.Sqlite's timeout bounds only the wait for a lock, and it does not stop a
/// statement on cancellation: a statement that scans, once running, ran to its end, holding its
/// thread (and, writing, the database's one writer) for as long as that took. Every connection
/// gets a progress handler as it opens, which SQLite calls every <see cref="Instructions"/> steps of
/// running statements; while commands of the service run or their readers are open, the handler
/// ends the statement (<c>SQLITE_INTERRUPT</c>, answered as timed out) once one of those commands'
/// deadlines passed or its token was canceled. Its check is a few comparisons; a statement of few
/// steps seldom reaches it. Work within one step (a sort, a call into a virtual table) is not cut.
/// </summary>
internal sealed class SqliteStatementDeadline : DbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>Steps of SQLite's virtual machine between two checks: tens of microseconds of a running statement.</summary>
    public const int Instructions = 10_000;

    private readonly ConditionalWeakTable<DbConnection, Commands> _watches = [];

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Watch(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Watch(connection);
        return Task.CompletedTask;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Begin(command, result, default);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Begin(command, result, cancellationToken));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Begin(command, result, default);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Begin(command, result, cancellationToken));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Begin(command, result, default);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Begin(command, result, cancellationToken));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        End(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        End(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        End(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        End(command);
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// A reader's statements run as its rows are read, and those it has not reached as it closes:
    /// watched until the reader is disposed.
    /// </summary>
    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        End(command);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => End(command);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        End(command);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => End(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        End(command);
        return Task.CompletedTask;
    }

    /// <summary>
    /// EF Core announces a close only when none of its commands or readers uses the connection
    /// any more: whatever is still watched then (a reader that ended without being disposed) ends.
    /// The handler stays: the connection stays open.
    /// </summary>
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Forget(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Forget(connection);
        return ValueTask.FromResult(result);
    }

    private void Forget(DbConnection connection)
    {
        if (_watches.TryGetValue(connection, out var commands))
        {
            commands.Clear();
        }
    }

    /// <summary>
    /// Installs the handler on the connection's native handle as it opens: a reopened connection
    /// may have another handle from the driver's pool, and a handle taken from the pool carries the
    /// handler of the connection that had it until this one replaces it. (No handler is removed at a
    /// close: the service's SQLite connections stay open while their context lives, and EF Core
    /// announces a close it then does not make.)
    /// </summary>
    private void Watch(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            raw.sqlite3_progress_handler(handle, Instructions, Commands.Progress, _watches.GetValue(connection, _ => new Commands()));
        }
    }

    private T Begin<T>(DbCommand command, T result, CancellationToken cancellationToken)
    {
        if (command.Connection is { } connection && _watches.TryGetValue(connection, out var commands))
        {
            // The command's own timeout: the configured one, or what a context set for its work (migrations); 0 is none.
            var deadline = command.CommandTimeout > 0 ? Environment.TickCount64 + (command.CommandTimeout * 1000L) : long.MaxValue;
            commands.Begin(command, deadline, cancellationToken);
        }

        return result;
    }

    private void End(DbCommand command)
    {
        if (command.Connection is { } connection && _watches.TryGetValue(connection, out var commands))
        {
            commands.End(command);
        }
    }

    /// <summary>The commands running on one connection (a reader may be open while another command runs), each with its deadline and token.</summary>
    private sealed class Commands
    {
        private readonly List<(DbCommand Command, long Deadline, CancellationToken Token)> _running = [];

        public static int Progress(object state) => ((Commands)state).ShouldStop() ? 1 : 0;

        public void Begin(DbCommand command, long deadline, CancellationToken token) => _running.Add((command, deadline, token));

        public void Clear() => _running.Clear();

        /// <summary>Ends the command's watch; one that never began (an earlier interceptor failed it) has none.</summary>
        public void End(DbCommand command)
        {
            var index = _running.FindLastIndex(running => ReferenceEquals(running.Command, command));
            if (index >= 0)
            {
                _running.RemoveAt(index);
            }
        }

        private bool ShouldStop()
        {
            var now = Environment.TickCount64;
            foreach (var (_, deadline, token) in _running)
            {
                if (now >= deadline || token.IsCancellationRequested)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
