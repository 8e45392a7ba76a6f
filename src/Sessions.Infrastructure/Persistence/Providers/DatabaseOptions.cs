using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Reads <c>Database:Provider</c> and <c>ConnectionStrings:Sessions</c> and configures the matching
/// EF Core provider; the same code serves the running service and the design-time tools.
/// </summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString, int CommandTimeoutSeconds)
{
    /// <summary>
    /// Whether PostgreSQL keeps the tagged hot statements prepared (<c>Database:PrepareStatements</c>,
    /// on by default; off behind a connection pooler in transaction mode, which cannot keep them).
    /// </summary>
    public bool PrepareStatements { get; init; } = true;

    public const string DefaultSqliteConnectionString = "Data Source=sessions.db";

    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var providerName = configuration["Database:Provider"];
        DatabaseProvider provider;
        if (string.IsNullOrWhiteSpace(providerName))
        {
            provider = DatabaseProvider.Sqlite;
        }
        else if (!Enum.TryParse(providerName, ignoreCase: true, out provider) || !Enum.IsDefined(provider))
        {
            throw new InvalidOperationException($"Database:Provider '{providerName}' is not one of Sqlite, SqlServer, Postgres.");
        }

        var connectionString = configuration.GetConnectionString("Sessions");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? DefaultSqliteConnectionString
                : throw new InvalidOperationException($"ConnectionStrings:Sessions is required for the {provider} provider.");
        }

        var timeout = configuration.GetValue<int?>("Database:CommandTimeoutSeconds") ?? 30;
        var prepareStatements = configuration.GetValue("Database:PrepareStatements", defaultValue: true);
        if (provider == DatabaseProvider.Postgres)
        {
            connectionString = WithoutPoolReset(connectionString);
            if (prepareStatements)
            {
                connectionString = WithoutParallelPlans(connectionString);
            }
        }

        return new DatabaseOptions(provider, connectionString, timeout) { PrepareStatements = prepareStatements };
    }

    private const string ParallelWorkers = "max_parallel_workers_per_gather";

    /// <summary>
    /// PostgreSQL runs a statement over many rows (a deep label page, a count, a usage report) with
    /// parallel workers by default. The service sends many short statements at once, so the workers
    /// take the cores other requests are waiting for: on two cores a label page at page 50 answered
    /// 83 requests a second with them and 193 without, and no statement got slower alone (ADR 0029).
    /// The service's connections ask for no parallel workers in their startup options, unless the
    /// connection string's <c>Options</c> names the setting. Connections through a pooler
    /// (<c>Database:PrepareStatements=false</c>) send no startup options, which PgBouncer refuses;
    /// there the setting belongs to the database role.
    /// </summary>
    public static string WithoutParallelPlans(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains(ParallelWorkers, StringComparison.OrdinalIgnoreCase) == true)
        {
            return connectionString;
        }

        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? $"-c {ParallelWorkers}=0" : $"{builder.Options} -c {ParallelWorkers}=0";
        return builder.ConnectionString;
    }

    /// <summary>
    /// Npgsql resets a pooled connection's session state before its next use by default: seven
    /// statements (<c>RESET ALL</c>, <c>CLOSE ALL</c>, <c>UNLISTEN *</c>, ...) sent ahead of the
    /// first command, which the server parses and runs on every request. The service leaves no
    /// session state behind (no <c>SET</c>, <c>LISTEN</c>, advisory lock, temporary table or cursor
    /// outlives a transaction), so it turns the reset off, unless the connection string names
    /// <c>No Reset On Close</c> itself.
    /// </summary>
    public static string WithoutPoolReset(string connectionString)
    {
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals(nameof(NpgsqlConnectionStringBuilder.NoResetOnClose), StringComparison.OrdinalIgnoreCase));
        return named ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
    }

    public void Configure(DbContextOptionsBuilder builder)
    {
        switch (Provider)
        {
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(ConnectionString, npgsql => npgsql.CommandTimeout(CommandTimeoutSeconds));
                break;
            case DatabaseProvider.SqlServer:
                builder.UseSqlServer(ConnectionString, sql => sql.CommandTimeout(CommandTimeoutSeconds));
                break;
            default:
                SqliteLibrary.EnsureConfigured();
                builder.UseSqlite(ConnectionString, sqlite => sqlite.CommandTimeout(CommandTimeoutSeconds));
                KeepOpenSqliteConnection.Use(builder);
                break;
        }
    }
}
