using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
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

    /// <summary>On PostgreSQL the hot statements are prepared once per connection, unless the connection string says otherwise.</summary>
    [Theory]
    [InlineData("Host=db;Username=sessions", DatabaseOptions.PostgresPreparedStatements)]
    [InlineData("Host=db;Username=sessions;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Username=sessions;MaxAutoPrepare=8", 8)]
    public void Postgres_PreparesHotStatements_UnlessTheConnectionStringSays(string configured, int prepared)
    {
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Sessions"] = configured };

        var options = DatabaseOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Equal(prepared, new NpgsqlConnectionStringBuilder(options.ConnectionString).MaxAutoPrepare);
        Assert.Equal("db", new NpgsqlConnectionStringBuilder(options.ConnectionString).Host);
    }

    [Fact]
    public async Task Host_OnPostgres_PreparesItsHotStatements()
    {
        var connectionString = await factory.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));

        if (factory.Database.IsPostgres)
        {
            Assert.Equal(DatabaseOptions.PostgresPreparedStatements, new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare);
        }
        else
        {
            Assert.DoesNotContain("Prepare", connectionString, StringComparison.OrdinalIgnoreCase);
        }
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
