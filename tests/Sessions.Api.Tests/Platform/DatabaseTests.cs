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

    [Theory]
    [InlineData("Host=db;Username=sessions", null, "-c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Username=sessions;Options=-c search_path=app", null, "-c search_path=app -c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Username=sessions;Options=-c max_parallel_workers_per_gather=4", null, "-c max_parallel_workers_per_gather=4")]
    [InlineData("Host=db;Username=sessions", "false", null)]
    public void PostgresConnections_AskForNoParallelWorkers_UnlessTheConnectionStringSaysOrAPoolerIsBetween(string configured, string? prepareStatements, string? expectedOptions)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Sessions"] = configured,
            ["Database:PrepareStatements"] = prepareStatements,
        };

        var database = DatabaseOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        var effective = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Equal(expectedOptions, effective.Options);
        Assert.Equal("db", effective.Host);
    }

    /// <summary>The service's own PostgreSQL sessions plan without parallel workers (the startup options reach the server).</summary>
    [Fact]
    public async Task PostgresSessionsOfTheService_PlanWithoutParallelWorkers()
    {
        if (!factory.Database.IsPostgres)
        {
            return;
        }

        var workers = await factory.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT current_setting('max_parallel_workers_per_gather') AS \"Value\"").SingleAsync());

        Assert.Equal("0", workers);
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
