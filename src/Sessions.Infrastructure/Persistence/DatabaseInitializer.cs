using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence;

/// <summary>Brings the database to the newest migration of its provider at startup.</summary>
public static partial class DatabaseInitializer
{
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        try
        {
            if (db.Provider == DatabaseProvider.Sqlite)
            {
                // Write-ahead logging lets readers go on while a command writes.
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            await using var turn = db.Provider == DatabaseProvider.Postgres
                ? await PrepareOnPostgresAsync(db, scope.ServiceProvider.GetRequiredService<DatabaseOptions>(), cancellationToken)
                : null;
            db.Database.SetCommandTimeout(MigrationWaitSeconds);
            await db.Database.MigrateAsync(cancellationToken);
            if (db.Provider == DatabaseProvider.Postgres)
            {
                await AnalyzeTablesNeverAnalyzedAsync(db, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Reported once, by the service's report of a failed start, which logs the exception.
            throw new InvalidOperationException($"The database could not be brought to the service's migrations: {exception.Message}", exception);
        }

        if (db.Provider == DatabaseProvider.Postgres && !await LowersEveryLetterAsync(db, cancellationToken))
        {
            var logger = Logger(services);
            LogAsciiOnlyFolding(logger);
        }
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));

    /// <summary>
    /// Creates the database and the migrations' history table where they are missing, asking
    /// first (left to the migrations, the provider finds either out by failing, to connect, to read
    /// the table, and catching the failure, which EF Core logs as an error on every first start),
    /// then takes this instance's turn to migrate, held until the returned turn is disposed.
    /// </summary>
    private static async Task<IAsyncDisposable> PrepareOnPostgresAsync(SessionsDbContext db, DatabaseOptions database, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            try
            {
                await creator.CreateAsync(cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another instance starting at the same moment created it first.
            }
        }

        try
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
        {
            // Another instance starting at the same moment created it first (PostgreSQL tells it
            // by the table, its row type, 42710, or the catalog's unique index).
        }

        return await MigrationTurnOnPostgresAsync(database, cancellationToken);
    }

    /// <summary>
    /// Whether the database's <c>lower()</c> folds letters beyond ASCII, as search needs to find
    /// them in any case (ADR 0040): not in a <c>C</c> or <c>POSIX</c> locale, nor in an encoding
    /// that cannot hold the letters asked about. Asked of the function itself, whatever locale
    /// provider or version the server has, after migrating (the migration turn already let go).
    /// </summary>
    private static async Task<bool> LowersEveryLetterAsync(SessionsDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Database.SqlQueryRaw<bool>("SELECT lower('ÄΣЖ') = 'äσж' AS \"Value\"").SingleAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire)
        {
            return false;
        }
    }

    /// <summary>
    /// Analyzes each of the model's tables that PostgreSQL has never analyzed or vacuumed
    /// (<c>reltuples</c> -1 since PostgreSQL 14), as the migrations create them. PostgreSQL plans such
    /// a table as at least ten pages while it has fewer, until autovacuum analyzes it after fifty
    /// changed rows, which the small tables of a small deployment (its users, workspaces,
    /// memberships) may never reach; against the rows it guessed for the users, it planned the read
    /// of one session with its user chips as a hash join (ADR 0079). Analyzed once, even empty, a
    /// table is planned by the pages it has at each planning, so a table analyzed before is left to
    /// autovacuum. Run by the instance whose turn it is, after the migrations.
    /// </summary>
    private static async Task AnalyzeTablesNeverAnalyzedAsync(SessionsDbContext db, CancellationToken cancellationToken)
    {
        var tables = db.Model.GetRelationalModel().Tables.Select(table => table.Name).ToArray();
        var neverAnalyzed = await db.Database.SqlQuery<string>(
            $"""
            SELECT format('%I.%I', n.nspname, c.relname) AS "Value"
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples < 0 AND c.relname = ANY({tables})
            """).ToListAsync(cancellationToken);
        if (neverAnalyzed.Count > 0)
        {
            // The names are the catalog's, each quoted as an identifier by format's %I, and only
            // names of the model's tables: a statement's identifiers cannot be parameters.
#pragma warning disable EF1003
            await db.Database.ExecuteSqlRawAsync("ANALYZE " + string.Join(", ", neverAnalyzed), cancellationToken);
#pragma warning restore EF1003
        }
    }

    /// <summary>The advisory lock instances migrating one PostgreSQL database take turns on.</summary>
    private const long MigrationLock = 0x5E5510_0001;

    /// <summary>
    /// How long a migration statement may run, and an instance wait for another's migrations:
    /// longer than a request's statement, since a migration may fill a column of every row.
    /// </summary>
    private const int MigrationWaitSeconds = 600;

    /// <summary>
    /// Instances starting together take turns to migrate: each holds a session advisory lock on a
    /// connection of its own (outside the pool, so closing it always lets go) while it migrates,
    /// and the next finds the migrations applied. EF Core's own lock (the history table, per
    /// migration's transaction) let two instances apply the same migration, the second failing on
    /// what the first had created.
    /// </summary>
    private static async Task<IAsyncDisposable> MigrationTurnOnPostgresAsync(DatabaseOptions database, CancellationToken cancellationToken)
    {
        // From the configured connection string (the context's own has its password taken out),
        // named like the service's data source: unnamed, Npgsql's metrics would label its
        // connections with the connection string (host, database, user).
        var source = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, Multiplexing = false }.ConnectionString)
        {
            Name = DatabaseOptions.DataSourceName,
        }.Build();
        NpgsqlConnection? connection = null;
        try
        {
            connection = await source.OpenConnectionAsync(cancellationToken);
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLock})", connection) { CommandTimeout = MigrationWaitSeconds };
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new MigrationTurn(source, connection);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closing the connection ends its session, and with it the advisory lock.</summary>
    private sealed class MigrationTurn(NpgsqlDataSource source, NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            await source.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The database's lower() folds ASCII letters only (LC_CTYPE C or POSIX, or an encoding other than UTF-8): search finds other letters only in the case they are typed in. Create the database in UTF-8 with a UTF-8 locale such as C.UTF-8 (ADR 0040)")]
    private static partial void LogAsciiOnlyFolding(ILogger logger);
}
