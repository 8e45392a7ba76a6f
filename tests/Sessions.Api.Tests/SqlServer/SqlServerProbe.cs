using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Sessions.Infrastructure;

namespace Sessions.Api.Tests.SqlServer;

/// <summary>
/// The service's persistence, configured for SQL Server exactly as in production, with no server:
/// every command it sends is kept instead (and answered with no rows), so what SQL Server would
/// receive can be parsed by Microsoft's own T-SQL parser.
/// </summary>
public sealed class SqlServerProbe : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public SqlServerProbe()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:Sessions"] = "Server=127.0.0.1,1;Database=sessions;User Id=probe;Password=probe;TrustServerCertificate=True",
            ["Auth:Issuer"] = "probe",
            ["Auth:Audience"] = "probe",
            ["Auth:SigningKey"] = "sql-server-probe-signing-key-0123456789",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IInterceptor>(Commands);
        services.AddInfrastructure(configuration);
        _services = services.BuildServiceProvider();
    }

    public CommandLog Commands { get; } = new();

    public AsyncServiceScope Scope() => _services.CreateAsyncScope();

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>T-SQL parse errors of a batch, as "line:column message".</summary>
    public static IReadOnlyList<string> ParseErrors(string sql)
    {
        using var reader = new StringReader(sql);
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        return [.. errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")];
    }

    /// <summary>Keeps every command text; opens no connection, and answers every command with nothing.</summary>
    public sealed class CommandLog : DbCommandInterceptor, IDbConnectionInterceptor, IDbTransactionInterceptor
    {
        private readonly List<string> _texts = [];

        private readonly List<int> _timeouts = [];

        /// <summary>The command timeout each kept command carried, in seconds, in the order of <see cref="Texts"/>.</summary>
        public IReadOnlyList<int> Timeouts
        {
            get
            {
                lock (_texts)
                {
                    return [.. _timeouts];
                }
            }
        }

        public IReadOnlyList<string> Texts
        {
            get
            {
                lock (_texts)
                {
                    return [.. _texts];
                }
            }
        }

        public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

        public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult.Suppress());

        public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

        public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            ValueTask.FromResult(InterceptionResult.Suppress());

        /// <summary>Every command becomes one that accepts the stand-in transaction and runs nowhere.</summary>
        public override DbCommand CommandCreated(CommandEndEventData eventData, DbCommand result) => new OfflineCommand(this);

        public InterceptionResult CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

        public ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult.Suppress());

        public InterceptionResult ReleasingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

        public ValueTask<InterceptionResult> ReleasingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult.Suppress());

        public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result) =>
            InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection));

        public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection)));

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
            InterceptionResult<DbDataReader>.SuppressWithResult(Keep(command, new DataTable().CreateDataReader()));

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(Keep(command, new DataTable().CreateDataReader())));

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
            InterceptionResult<int>.SuppressWithResult(Keep(command, 1));

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(Keep(command, 1)));

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
            InterceptionResult<object>.SuppressWithResult(Keep<object>(command, 0));

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<object>.SuppressWithResult(Keep<object>(command, 0)));

        internal T Keep<T>(DbCommand command, T answer)
        {
            lock (_texts)
            {
                _texts.Add(command.CommandText);
                _timeouts.Add(command.CommandTimeout);
            }

            return answer;
        }

        /// <summary>A command that keeps its text and answers nothing; its parameters are SQL Server's own.</summary>
        private sealed class OfflineCommand(CommandLog log) : DbCommand
        {
            private readonly DbParameterCollection _parameters = new Microsoft.Data.SqlClient.SqlCommand().Parameters;

            [System.Diagnostics.CodeAnalysis.AllowNull]
            public override string CommandText { get; set; } = string.Empty;

            public override int CommandTimeout { get; set; }

            public override CommandType CommandType { get; set; }

            public override bool DesignTimeVisible { get; set; }

            public override UpdateRowSource UpdatedRowSource { get; set; }

            protected override DbConnection? DbConnection { get; set; }

            protected override DbParameterCollection DbParameterCollection => _parameters;

            protected override DbTransaction? DbTransaction { get; set; }

            public override void Cancel()
            {
            }

            public override int ExecuteNonQuery() => log.Keep(this, 1);

            public override object? ExecuteScalar() => log.Keep<object>(this, 0);

            public override void Prepare()
            {
            }

            protected override DbParameter CreateDbParameter() => new Microsoft.Data.SqlClient.SqlParameter();

            protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => log.Keep(this, new DataTable().CreateDataReader());
        }

        private sealed class NoTransaction(DbConnection connection) : DbTransaction
        {
            public override System.Data.IsolationLevel IsolationLevel => System.Data.IsolationLevel.ReadCommitted;

            protected override DbConnection DbConnection => connection;

            public override void Commit()
            {
            }

            public override void Rollback()
            {
            }
        }
    }
}
