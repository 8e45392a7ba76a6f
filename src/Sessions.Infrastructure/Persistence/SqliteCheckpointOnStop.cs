using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// Merges SQLite's write-ahead log into the database file once the host has stopped answering
/// (<c>PRAGMA wal_checkpoint(TRUNCATE)</c>, which leaves the log empty), so the file alone holds
/// every change while the service is stopped: a copy of it was an empty database while the log
/// beside it held every change. The pooled contexts keep their connections open until the
/// container is disposed, after this; their reads have ended, so the checkpoint completes.
/// </summary>
internal sealed partial class SqliteCheckpointOnStop(IHostApplicationLifetime lifetime, string connectionString, ILogger<SqliteCheckpointOnStop> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopped.Register(Checkpoint);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Checkpoint()
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException failure)
        {
            LogNotCheckpointed(logger, failure);
        }
    }

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "SQLite's write-ahead log could not be merged into the database file at stop: it stays beside the file, which is read with it")]
    private static partial void LogNotCheckpointed(ILogger logger, Exception exception);
}
