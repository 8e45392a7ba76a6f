using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Takes SQLite's checkpoints off the writers' path. By default the writer whose commit takes the
/// write-ahead log past 1,000 pages copies the log into the database file and syncs it, inside the
/// writer gate, and every writer queued behind it waits: the tail of committing writes. Here each
/// connection of the service leaves checkpoints to this service up to
/// <see cref="WriterCheckpointPages"/> (a bound on the log should this one fall behind), and this
/// service runs a passive checkpoint every <see cref="Interval"/> on a connection of its own: it
/// copies what no reader still needs and never waits for a reader or a writer. Durability is as
/// before: a commit is durable once its log frames are synced; a checkpoint only moves them.
/// </summary>
internal sealed partial class SqliteCheckpointer(DatabaseOptions database, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>The log size (in pages of 4 KiB) at which a committing writer checkpoints after all.</summary>
    public const int WriterCheckpointPages = 10_000;

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private long _runs;

    /// <summary>Checkpoints run since the start.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SqliteLibrary.EnsureConfigured();
        await using var connection = new SqliteConnection(database.ConnectionString);
        using var timer = new PeriodicTimer(Interval);
        var lastWarning = DateTime.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (connection.State != System.Data.ConnectionState.Open)
                    {
                        await connection.OpenAsync(stoppingToken);
                    }

                    await using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await checkpoint.ExecuteNonQueryAsync(stoppingToken);
                    Interlocked.Increment(ref _runs);
                }
                catch (SqliteException exception) when (DateTime.UtcNow - lastWarning > TimeSpan.FromMinutes(1))
                {
                    lastWarning = DateTime.UtcNow;
                    CheckpointFailed(logger, exception.SqliteErrorCode, exception);
                }
                catch (SqliteException)
                {
                    // Logged within the last minute; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "SQLite checkpoint failed (error {ErrorCode}); committing writers checkpoint once the log reaches its bound")]
    private static partial void CheckpointFailed(ILogger logger, int errorCode, Exception exception);

    /// <summary>Sets each connection's own checkpoint threshold when it opens (pooled connections stay open, so once each).</summary>
    public sealed class Threshold : DbConnectionInterceptor
    {
        private static readonly string Statement = $"PRAGMA wal_autocheckpoint={WriterCheckpointPages};";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Statement;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Statement;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
