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
/// gets a progress handler, which SQLite calls every <see cref="Instructions"/> steps of a running
/// statement; while a command of the service runs or its reader is open, the handler ends the
/// statement (<c>SQLITE_INTERRUPT</c>, answered as timed out) once the command's deadline passed or
/// its token was canceled. A statement that ends in fewer steps never calls it.
/// </summary>
internal sealed class SqliteStatementDeadline : DbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>Steps of SQLite's virtual machine between two checks: tens of microseconds of a running statement.</summary>
    public const int Instructions = 10_000;

    private readonly ConditionalWeakTable<DbConnection, Watch> _watches = [];

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Watched(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Watched(connection);
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

    /// <summary>A reader's statement runs as its rows are read: watched until the reader closes.</summary>
    public override InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        End(command);
        return result;
    }

    public override ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        End(command);
        return ValueTask.FromResult(result);
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

    private void Watched(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && !_watches.TryGetValue(connection, out _))
        {
            var watch = new Watch();
            _watches.Add(connection, watch);
            raw.sqlite3_progress_handler(handle, Instructions, Watch.Progress, watch);
        }
    }

    private T Begin<T>(DbCommand command, T result, CancellationToken cancellationToken)
    {
        if (command.Connection is { } connection && _watches.TryGetValue(connection, out var watch))
        {
            // The command's own timeout: the configured one, or what a context set for its work (migrations); 0 is none.
            var deadline = command.CommandTimeout > 0 ? Environment.TickCount64 + (command.CommandTimeout * 1000L) : long.MaxValue;
            watch.Begin(deadline, cancellationToken);
        }

        return result;
    }

    private void End(DbCommand command)
    {
        if (command.Connection is { } connection && _watches.TryGetValue(connection, out var watch))
        {
            watch.End();
        }
    }

    /// <summary>The deadline and token of the commands running on one connection (a reader may be open while another command runs).</summary>
    private sealed class Watch
    {
        private int _running;
        private long _deadline;
        private CancellationToken _token;

        public static int Progress(object state) => ((Watch)state).ShouldStop() ? 1 : 0;

        public void Begin(long deadline, CancellationToken token)
        {
            _deadline = deadline;
            _token = token;
            _running++;
        }

        public void End() => _running = Math.Max(0, _running - 1);

        private bool ShouldStop() => _running > 0 && (Environment.TickCount64 >= _deadline || _token.IsCancellationRequested);
    }
}
