using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Platform;

[Collection(SharedApiCollection.Name)]
public sealed class DatabaseTests(ApiFactory factory)
{
    [Fact]
    public async Task Host_RunsOnTheDatabaseTheSuiteWasAskedFor()
    {
        var provider = await factory.WithDbAsync(db => Task.FromResult(db.Database.ProviderName!));

        Assert.Contains(factory.Database.IsPostgres ? "Npgsql" : "Sqlite", provider, StringComparison.Ordinal);
    }

    /// <summary>
    /// SQLite keeps no memory statistics in the service's process: with them, every allocation it
    /// makes takes one process-wide lock, and concurrent requests queue on it.
    /// </summary>
    [Fact]
    public async Task Sqlite_KeepsNoMemoryStatistics()
    {
        var sessions = await factory.WithDbAsync(db => db.Sessions.CountAsync());

        Assert.True(sessions >= 0);
        if (!factory.Database.IsPostgres)
        {
            Assert.True(SqliteLibrary.WithoutMemoryStatistics);
            Assert.Equal(0, SQLitePCL.raw.sqlite3_memory_used());
        }
    }

    /// <summary>A committing writer on SQLite leaves checkpoints to the service's checkpointer, up to a bound on the log.</summary>
    [Fact]
    public async Task Sqlite_EveryConnectionLeavesCheckpointsToTheCheckpointer()
    {
        if (factory.Database.IsPostgres)
        {
            return;
        }

        var threshold = await factory.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        });

        Assert.Equal(SqliteCheckpointer.WriterCheckpointPages, threshold);
    }

    /// <summary>
    /// The checkpointer copies committed writes into the database file on its own: a copy of the
    /// file alone, without its write-ahead log, soon holds a session just written.
    /// </summary>
    [Fact]
    public async Task Sqlite_TheCheckpointerCopiesCommittedWritesIntoTheDatabaseFile()
    {
        if (factory.Database.IsPostgres)
        {
            return;
        }

        var workspace = await TestWorkspace.CreateAsync(factory);
        var session = (await factory.CreateClient().CreateSessionAsync(workspace, await workspace.AddMemberAsync())).Id();
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(await factory.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!))).DataSource;
        var copy = Path.Combine(Path.GetTempPath(), $"sessions-checkpoint-{Guid.NewGuid():N}.db");
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!await HoldsAsync(file, copy, session))
            {
                Assert.True(DateTime.UtcNow < deadline, "the database file never held the new session without its log");
                await Task.Delay(SqliteCheckpointer.Interval);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(copy);
        }
    }

    private static async Task<bool> HoldsAsync(string file, string copy, Guid session)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Copy(file, copy, overwrite: true);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sessions WHERE id_text = $id;";
        command.Parameters.AddWithValue("$id", session.ToString());
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false; // the file does not hold the schema yet: it is all in the log
        }
    }

    /// <summary>Statements are prepared on PostgreSQL unless <c>Database:PrepareStatements</c> turns it off (a pooler in transaction mode).</summary>
    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void PrepareStatements_IsOnUnlessTurnedOff(string? configured, bool prepared)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Sessions"] = "Host=db;Username=sessions",
            ["Database:PrepareStatements"] = configured,
        };

        var options = DatabaseOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Equal(prepared, options.PrepareStatements);
    }

    [Theory]
    [InlineData("Host=db;Username=sessions", true)]
    [InlineData("Host=db;Username=sessions;No Reset On Close=false", false)]
    [InlineData("Host=db;Username=sessions;NoResetOnClose=true", true)]
    public void PostgresPooledConnections_AreNotReset_UnlessTheConnectionStringAsks(string configured, bool noReset)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Sessions"] = configured,
        };

        var options = DatabaseOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        var effective = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal(noReset, effective.NoResetOnClose);
        Assert.Equal("db", effective.Host);
        Assert.Equal("sessions", effective.Username);
    }

    /// <summary>The model of every provider is what its migrations build: a model change without a migration fails here.</summary>
    [Fact]
    public void EveryProvidersModel_HasNoChangeWithoutAMigration()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);

        Assert.False(sqlite.Database.HasPendingModelChanges(), "SQLite");
        Assert.False(postgres.Database.HasPendingModelChanges(), "PostgreSQL");
        Assert.False(sqlServer.Database.HasPendingModelChanges(), "SQL Server");
    }
}
