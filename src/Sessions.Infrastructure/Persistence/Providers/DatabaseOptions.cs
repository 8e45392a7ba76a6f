using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Reads <c>Database:Provider</c> and <c>ConnectionStrings:Sessions</c> and configures the matching
/// EF Core provider; the same code serves the running service and the design-time tools.
/// What names one driver's types is a method of its own, called only for that driver: the JIT
/// loads every assembly a method names when it compiles the method, and what it compiles for one
/// database names no other database's driver (ADR 0078).
/// </summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString, int CommandTimeoutSeconds)
{
    /// <summary>
    /// Whether PostgreSQL keeps the tagged hot statements and the writes of saves prepared (<c>Database:PrepareStatements</c>,
    /// on by default; off behind a connection pooler in transaction mode, which cannot keep them).
    /// </summary>
    public bool PrepareStatements { get; init; } = true;

    /// <summary>
    /// How much of a SQLite database file each connection reads through a memory map
    /// (<c>Database:SqliteMemoryMapMegabytes</c>; none by default: at scale a map made reads up to
    /// twice as fast and appends half as fast, ADR 0083). Read on every provider, so that a wrong
    /// value is refused wherever it is given; used on SQLite.
    /// </summary>
    public long SqliteMemoryMapBytes { get; init; }

    /// <summary>
    /// The ceiling of <c>Database:SqliteMemoryMapMegabytes</c>: SQLite's default ceiling of a map
    /// (<c>SQLITE_MAX_MMAP_SIZE</c>, just under 2 GB), to which it would otherwise lower the
    /// setting without saying so.
    /// </summary>
    private const int MaxSqliteMemoryMapMegabytes = 2047;

    private const long Megabyte = 1024 * 1024;

    public const string DefaultSqliteConnectionString = "Data Source=sessions.db";

    public static DatabaseOptions FromConfiguration(IConfiguration configuration) =>
        FromConfiguration(configuration, Environment.GetEnvironmentVariable("PGOPTIONS"));

    /// <summary>The same, with the <c>PGOPTIONS</c> the process has (so a test can give its own).</summary>
    internal static DatabaseOptions FromConfiguration(IConfiguration configuration, string? environmentOptions)
    {
        var provider = Enum.Parse<DatabaseProvider>(Settings.Choice(
            configuration, "Database:Provider", defaultValue: nameof(DatabaseProvider.Sqlite), Enum.GetNames<DatabaseProvider>()));

        var connectionString = configuration.GetConnectionString("Sessions");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? DefaultSqliteConnectionString
                : throw new RefusedSettingException($"ConnectionStrings:Sessions is required for the {provider} provider.");
        }

        if (ReadableWithForeignKeysOff(provider, connectionString))
        {
            // The library the service ships enforces foreign keys unless a connection turns them off.
            throw new RefusedSettingException(
                "ConnectionStrings:Sessions turns SQLite's foreign keys off (Foreign Keys=False): a deleted session's labels, transcript, items and system prompt go with it by their foreign keys' cascade. Leave Foreign Keys out, or set it to True.");
        }

        var timeout = Settings.WholeNumber(configuration, "Database:CommandTimeoutSeconds", 30, 1, MaxCommandTimeoutSeconds, $"a whole number of seconds from 1 to {MaxCommandTimeoutSeconds}");
        var prepareStatements = Settings.Flag(configuration, "Database:PrepareStatements", defaultValue: true);
        var memoryMap = Settings.WholeNumber(
            configuration, "Database:SqliteMemoryMapMegabytes", 0, 0, MaxSqliteMemoryMapMegabytes, $"a whole number of megabytes from 0 to {MaxSqliteMemoryMapMegabytes}");

        // Read on every provider, so that a wrong value is refused wherever it is given; used on PostgreSQL.
        var parallelWorkers = ParallelWorkersFrom(configuration, prepareStatements);
        if (provider == DatabaseProvider.Postgres)
        {
            connectionString = WithoutPoolReset(connectionString);
            if (parallelWorkers is { } workers)
            {
                connectionString = WithParallelWorkers(connectionString, workers, environmentOptions);
            }

            // Npgsql refuses explicit preparation on a multiplexed connection (every command would
            // fail); there only its automatic preparation (Max Auto Prepare) can keep statements.
            // The connection is still direct, so the parallel workers above stay as they are.
            prepareStatements &= !Multiplexed(connectionString);
        }

        return new DatabaseOptions(provider, connectionString, timeout) { PrepareStatements = prepareStatements, SqliteMemoryMapBytes = memoryMap * Megabyte };
    }

    /// <summary>
    /// Whether the connection string turns SQLite's foreign keys off (never on another provider);
    /// refused when the provider's driver cannot read it, naming the setting (the driver's own
    /// error names none).
    /// </summary>
    private static bool ReadableWithForeignKeysOff(DatabaseProvider provider, string connectionString)
    {
        try
        {
            switch (provider)
            {
                case DatabaseProvider.Postgres:
                    ReadPostgres(connectionString);
                    return false;
                case DatabaseProvider.SqlServer:
                    ReadSqlServer(connectionString);
                    return false;
                default:
                    return SqliteForeignKeysOff(connectionString);
            }
        }
        catch (Exception unreadable) when (unreadable is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RefusedSettingException($"ConnectionStrings:Sessions is not a connection string the {provider} provider reads: {unreadable.Message}", unreadable);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReadPostgres(string connectionString) => _ = new NpgsqlConnectionStringBuilder(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReadSqlServer(string connectionString) => _ = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool SqliteForeignKeysOff(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) is { ForeignKeys: false };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Multiplexed(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Multiplexing;

    /// <summary>
    /// The ceiling of <c>Database:CommandTimeoutSeconds</c> (30 when unset): a day. Its floor is 1
    /// second: it also bounds a writer's wait for its session's turn, so 0 (which the drivers read
    /// as "wait forever") would refuse every writer that has to wait.
    /// </summary>
    private const int MaxCommandTimeoutSeconds = 86_400;

    private const string ParallelWorkersSetting = "max_parallel_workers_per_gather";

    /// <summary>
    /// How many parallel workers a statement of the service may use on PostgreSQL
    /// (<c>Database:ParallelWorkers</c>): a number, or <c>server</c> for the server's own setting.
    /// By default none on a direct connection: the service sends many short statements at once,
    /// and a statement's workers take the cores other requests are waiting for (ADR 0029). Through
    /// a pooler (<c>Database:PrepareStatements=false</c>) the default is the server's, since the
    /// setting travels as a startup option, which PgBouncer refuses unless told to ignore it.
    /// </summary>
    private static int? ParallelWorkersFrom(IConfiguration configuration, bool prepareStatements)
    {
        var configured = Settings.Text(configuration, "Database:ParallelWorkers");
        if (configured is null)
        {
            return prepareStatements ? 0 : null;
        }

        return configured.Equals("server", StringComparison.OrdinalIgnoreCase)
            ? null
            : Settings.WholeNumber(configuration, "Database:ParallelWorkers", 0, 0, MaxParallelWorkers, $"a number of workers from 0 to {MaxParallelWorkers}, or server");
    }

    private const int MaxParallelWorkers = 1024;

    /// <summary>
    /// Asks PostgreSQL for <paramref name="workers"/> parallel workers per statement in the
    /// connection's startup options, after the options already given (the connection string's
    /// <c>Options</c>, or else <c>PGOPTIONS</c>, which Npgsql reads only when the connection string
    /// has none), unless those name the setting themselves, in either spelling.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string WithParallelWorkers(string connectionString, int workers, string? environmentOptions)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = builder.Options ?? environmentOptions;
        if (given?.Replace('-', '_').Contains(ParallelWorkersSetting, StringComparison.OrdinalIgnoreCase) == true)
        {
            return connectionString;
        }

        var asked = $"-c {ParallelWorkersSetting}={workers.ToString(CultureInfo.InvariantCulture)}";
        builder.Options = string.IsNullOrWhiteSpace(given) ? asked : $"{given} {asked}";
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
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string WithoutPoolReset(string connectionString)
    {
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals(nameof(NpgsqlConnectionStringBuilder.NoResetOnClose), StringComparison.OrdinalIgnoreCase));
        return named ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
    }

    /// <summary>The name of the service's PostgreSQL data source, in Npgsql's metrics and logs.</summary>
    public const string DataSourceName = "sessions";

    public void Configure(DbContextOptionsBuilder builder)
    {
        // Migrating at startup would otherwise compare the model with the migrations' snapshot,
        // building both again; the tests make that comparison for every provider (ADR 0038).
        // A statement, query, save, transaction or connection that fails is logged once, by the
        // service: by the request telemetry inside a command, by the last-line handler outside
        // one, by the health check (with its exception) for readiness. EF Core's own error events
        // for it are Debug (ADR 0051); at Error they made one failure three entries, each with its
        // stack. A read of two rows without an order is deliberate: the read by id prefix, where a
        // second row says the prefix is ambiguous.
        builder.ConfigureWarnings(warnings => warnings
            .Ignore(RelationalEventId.PendingModelChangesWarning)
            .Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (RelationalEventId.TransactionError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (CoreEventId.RowLimitingOperationWithoutOrderByWarning, LogLevel.Debug)));
        CompiledQueriesApart.Use(builder);
        switch (Provider)
        {
            case DatabaseProvider.Postgres:
                UsePostgres(builder);
                break;
            case DatabaseProvider.SqlServer:
                UseSqlServer(builder);
                break;
            default:
                UseSqlite(builder);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UsePostgres(DbContextOptionsBuilder builder)
    {
        // The data source's name labels Npgsql's pool metrics; unnamed, it is the connection
        // string without its password (host, database, user), which a metrics scrape shows.
        builder.UseNpgsql(ConnectionString, npgsql => npgsql.CommandTimeout(CommandTimeoutSeconds).ConfigureDataSource(source => source.Name = DataSourceName));
        ShapersCompiledOnce.UseOnPostgres(builder);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseSqlServer(DbContextOptionsBuilder builder) =>
        builder.UseSqlServer(ConnectionString, sql => sql.CommandTimeout(CommandTimeoutSeconds));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseSqlite(DbContextOptionsBuilder builder)
    {
        SqliteLibrary.EnsureConfigured();
        builder.UseSqlite(ConnectionString, sqlite => sqlite.CommandTimeout(CommandTimeoutSeconds));
        KeepOpenSqliteConnection.Use(builder);
        ShapersCompiledOnce.UseOnSqlite(builder);
    }
}
