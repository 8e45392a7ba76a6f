using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// Counts the SQL statements the service sends (every command EF Core executes, and the savepoints
/// EF Core creates and releases inside a transaction, which are statements of their own), and keeps
/// their text and command; apart from them, the transactions EF Core begins or is handed, and their
/// ends (each a round trip on PostgreSQL, and on SQLite a lock taken).
/// </summary>
public sealed class StatementCounter : DbCommandInterceptor
{
    private readonly List<string> _statements = [];
    private readonly List<DbCommand> _commands = [];
    private readonly List<ExecutedStatement> _executed = [];
    private readonly List<string> _transactions = [];

    public StatementCounter() => Listener = new TransactionListener(this);

    /// <summary>Listens for the savepoints, which EF Core sends past the command interceptors, and for the transactions.</summary>
    public IInterceptor Listener { get; }

    /// <summary>The transactions' steps, in order: <c>BEGIN</c> (begun or handed to EF Core), <c>COMMIT</c>, <c>ROLLBACK</c>.</summary>
    public IReadOnlyList<string> Transactions
    {
        get
        {
            lock (_statements)
            {
                return [.. _transactions];
            }
        }
    }

    public IReadOnlyList<string> Statements
    {
        get
        {
            lock (_statements)
            {
                return [.. _statements];
            }
        }
    }

    /// <summary>The command objects that ran the commands, in order (the same object when a prepared command is reused; savepoints have none).</summary>
    public IReadOnlyList<DbCommand> Commands
    {
        get
        {
            lock (_statements)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>
    /// The commands as they were executed, with their parameters' names then (Npgsql resets a
    /// command it hands out again, so <see cref="Commands"/> shows what its object holds now).
    /// </summary>
    public IReadOnlyList<ExecutedStatement> Executed
    {
        get
        {
            lock (_statements)
            {
                return [.. _executed];
            }
        }
    }

    public int Count => Statements.Count;

    public void Reset()
    {
        lock (_statements)
        {
            _statements.Clear();
            _commands.Clear();
            _executed.Clear();
            _transactions.Clear();
        }
    }

    /// <summary>The statements sent while <paramref name="work"/> ran.</summary>
    public async Task<IReadOnlyList<string>> DuringAsync(Func<Task> work)
    {
        Reset();
        await work();
        return Statements;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Record(command, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Record(command, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Record(command, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Record(command, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Record(command, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Record(command, result));

    private T Record<T>(DbCommand command, T result)
    {
        lock (_statements)
        {
            _statements.Add(command.CommandText);
            _commands.Add(command);
            _executed.Add(new ExecutedStatement(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(parameter => parameter.ParameterName)], command is NpgsqlCommand { IsPrepared: true }));
        }

        return result;
    }

    private void RecordSavepoint(string statement)
    {
        lock (_statements)
        {
            _statements.Add(statement);
        }
    }

    private void RecordTransaction(string step)
    {
        lock (_statements)
        {
            _transactions.Add(step);
        }
    }

    private sealed class TransactionListener(StatementCounter counter) : DbTransactionInterceptor
    {
        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            counter.RecordTransaction("BEGIN");
            return result;
        }

        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TransactionStarting(connection, eventData, result));

        public override DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
        {
            counter.RecordTransaction("BEGIN");
            return result;
        }

        public override ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TransactionUsed(connection, eventData, result));

        public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            counter.RecordTransaction("COMMIT");
            return result;
        }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TransactionCommitting(transaction, eventData, result));

        public override InterceptionResult TransactionRollingBack(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            counter.RecordTransaction("ROLLBACK");
            return result;
        }

        public override ValueTask<InterceptionResult> TransactionRollingBackAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TransactionRollingBack(transaction, eventData, result));

        public override InterceptionResult CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            counter.RecordSavepoint("SAVEPOINT");
            return result;
        }

        public override ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(CreatingSavepoint(transaction, eventData, result));

        public override InterceptionResult ReleasingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            counter.RecordSavepoint("RELEASE SAVEPOINT");
            return result;
        }

        public override ValueTask<InterceptionResult> ReleasingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ReleasingSavepoint(transaction, eventData, result));
    }
}

/// <summary>A host whose SQL statements are counted.</summary>
public sealed class CountingApiFactory : ApiFactory
{
    public StatementCounter Statements { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton(Statements.Listener).AddSingleton<IInterceptor>(Statements));
    }
}

/// <summary>A command's text and its parameters' names, as it was executed, and whether it ran prepared on PostgreSQL.</summary>
public sealed record ExecutedStatement(string Text, IReadOnlyList<string> ParameterNames, bool Prepared);
