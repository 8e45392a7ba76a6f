using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>Counts the SQL statements the service sends (every command EF Core executes), and keeps their text and command.</summary>
public sealed class StatementCounter : DbCommandInterceptor
{
    private readonly List<string> _statements = [];
    private readonly List<DbCommand> _commands = [];

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

    /// <summary>The command objects that ran the statements, in order (the same object when a prepared command is reused).</summary>
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

    public int Count => Statements.Count;

    public void Reset()
    {
        lock (_statements)
        {
            _statements.Clear();
            _commands.Clear();
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
        }

        return result;
    }
}

/// <summary>A host whose SQL statements are counted.</summary>
public sealed class CountingApiFactory : ApiFactory
{
    public StatementCounter Statements { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Statements));
    }
}
