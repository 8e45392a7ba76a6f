using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// The real database a test host runs on: a fresh SQLite file by default, or a fresh PostgreSQL
/// database when <c>SESSIONS_TEST_PROVIDER=Postgres</c> (server from <c>SESSIONS_TEST_POSTGRES</c>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string DefaultPostgres = "Host=127.0.0.1;Port=5544;Username=postgres;Pooling=true";

    private TestDatabase(string provider, string connectionString, string? sqliteFile, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        SqliteFile = sqliteFile;
        PostgresName = postgresName;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public bool IsPostgres => Provider == "Postgres";

    /// <summary>The SQLite file, on SQLite.</summary>
    public string? SqliteFile { get; }

    private string? PostgresName { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("SESSIONS_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultPostgres;

    /// <summary>An open connection to this database outside the service's pool (another client: its locks and transactions are its own).</summary>
    public async Task<DbConnection> OpenOutsideThePoolAsync()
    {
        DbConnection connection = IsPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Returns once a connection to this database waits for a lock (a request that reached a row
    /// another writer holds), as PostgreSQL shows in <c>pg_stat_activity</c>; fails after
    /// <paramref name="patience"/>. SQLite shows no waits to another connection: there it waits half
    /// a second, by which a request sent before has reached its lock on any machine this suite runs on.
    /// </summary>
    public async Task UntilALockIsWaitedForAsync(TimeSpan patience)
    {
        if (!IsPostgres)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            return;
        }

        await using var connection = await OpenOutsideThePoolAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            if (waited.Elapsed > patience)
            {
                throw new TimeoutException($"No connection waited for a lock within {patience}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The database this run of the suite is on: <c>Postgres</c> when <c>SESSIONS_TEST_PROVIDER</c> says so, else <c>Sqlite</c>.</summary>
    public static string SuiteProvider =>
        string.Equals(Environment.GetEnvironmentVariable("SESSIONS_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase) ? "Postgres" : "Sqlite";

    public static TestDatabase Create()
    {
        if (SuiteProvider == "Postgres")
        {
            var name = $"sessions_test_{Guid.NewGuid():N}";
            var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name };
            return new TestDatabase("Postgres", builder.ConnectionString, null, name);
        }

        var file = Path.Combine(Path.GetTempPath(), $"sessions-test-{Guid.NewGuid():N}.db");
        return new TestDatabase("Sqlite", $"Data Source={file}", file, null);
    }

    /// <summary>
    /// Creates the database empty on PostgreSQL, as an operator would before applying the migrations
    /// (SQLite creates its file on first use), with <paramref name="options"/> of <c>CREATE DATABASE</c> if given.
    /// </summary>
    public async Task CreateEmptyAsync(string options = "")
    {
        if (PostgresName is null)
        {
            return;
        }

        await using var server = new NpgsqlConnection(ServerConnectionString);
        await server.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{PostgresName}\" {options}", server);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Whether anything created this database yet (its file, or the PostgreSQL database).</summary>
    public async Task<bool> ExistsAsync()
    {
        if (SqliteFile is not null)
        {
            return File.Exists(SqliteFile);
        }

        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        find.Parameters.AddWithValue("name", PostgresName!);
        return (long)(await find.ExecuteScalarAsync())! > 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (PostgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(ServerConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{PostgresName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (SqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { SqliteFile, SqliteFile + "-wal", SqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
