using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sessions.Infrastructure.Persistence;

/// <summary>Brings the database to the newest migration of its provider at startup.</summary>
public static class DatabaseInitializer
{
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await using var db = ForMigrations(scope.ServiceProvider.GetRequiredService<SessionsDbContext>());
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging lets readers go on while a command writes.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// A context like the service's own, except that a failed connection or statement is logged at
    /// Debug. On PostgreSQL the provider finds out that the database is missing by failing to
    /// connect to it (and then creates it), and that the migrations' history table is missing by
    /// reading it and catching the failure: EF Core would log either as an error on every first
    /// start. A migration that fails still throws, and the host logs that.
    /// </summary>
    private static SessionsDbContext ForMigrations(SessionsDbContext context)
    {
        var options = new DbContextOptionsBuilder((DbContextOptions)context.GetService<IDbContextOptions>())
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.ConnectionError, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug)))
            .Options;
        return (SessionsDbContext)Activator.CreateInstance(context.GetType(), options)!;
    }
}
