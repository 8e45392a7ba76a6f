using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// The service, in process, on its own real database, with test token settings. Subclasses or
/// <see cref="Settings"/> change configuration for tests of configurable behaviour.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly bool _ownsDatabase;

    public ApiFactory()
        : this(TestDatabase.Create(), ownsDatabase: true)
    {
    }

    /// <summary>A host on another host's database, as a second instance of the service would be.</summary>
    protected ApiFactory(TestDatabase database, bool ownsDatabase)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
    }

    public TestDatabase Database { get; }

    /// <summary>A host on a database another host or process created, which it leaves in place when it ends.</summary>
    public static ApiFactory On(TestDatabase database) => new(database, ownsDatabase: false);

    /// <summary>Extra configuration for this host, applied on top of the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected virtual string EnvironmentName => "Testing";

    public Task InitializeAsync()
    {
        // Starting the host runs the migrations.
        StartServer();
        return Task.CompletedTask;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    /// <summary>Runs work against the host's database in a scope of its own.</summary>
    public async Task<T> WithDbAsync<T>(Func<SessionsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SessionsDbContext>());
    }

    /// <summary>Takes the database back to before <paramref name="migration"/> (its name's end) and forward again, as an upgrade runs it on the rows already stored.</summary>
    public Task RunMigrationAgainAsync(string migration) =>
        WithDbAsync(async db =>
        {
            var migrations = db.Database.GetMigrations().ToList();
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith(migration, StringComparison.Ordinal)) - 1]);
            await migrator.MigrateAsync();
        });

    public Task WithDbAsync(Func<SessionsDbContext, Task> work) =>
        WithDbAsync(async db =>
        {
            await work(db);
            return true;
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("ConnectionStrings:Sessions", Database.ConnectionString);
        builder.UseSetting("Auth:Issuer", TestTokens.Issuer);
        builder.UseSetting("Auth:Audience", TestTokens.Audience);
        builder.UseSetting("Auth:SigningKey", TestTokens.SigningKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("RateLimiting:PermitLimit", "1000000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestRemoteAddress>());
    }
}

/// <summary>The host most tests share; each test makes its own organization and workspace.</summary>
[CollectionDefinition(Name)]
public sealed class SharedApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
