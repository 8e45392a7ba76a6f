using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

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
            else if (db.Provider == DatabaseProvider.Postgres)
            {
                await PrepareOnPostgresAsync(db, cancellationToken);
            }

            await db.Database.MigrateAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));
            LogFailed(logger, exception);
            throw;
        }
    }

    /// <summary>
    /// Creates the database and the migrations' history table where they are missing, asking
    /// first. Left to the migrations, the provider finds either out by failing (to connect, to read
    /// the table) and catching the failure, which EF Core logs as an error on every first start.
    /// </summary>
    private static async Task PrepareOnPostgresAsync(SessionsDbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        try
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another instance starting at the same moment created it first.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "The database could not be brought to the service's migrations; the service does not start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
