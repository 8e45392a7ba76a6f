using System.Net;
using Sessions.Api.Health;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host that does not migrate at startup (<c>Database:InitializeAtStartup=false</c>), on another host's database.</summary>
public sealed class NotMigratingApiFactory(TestDatabase database) : ApiFactory(database, ownsDatabase: false)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Database:InitializeAtStartup"] = "false" };
}

/// <summary>
/// Readiness knows the schema: a service that left its migrations to another process is not ready
/// while the database is behind them (its queries would fail), and is once they are applied.
/// </summary>
public sealed class SchemaReadinessTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public async Task InitializeAsync()
    {
        await _database.CreateEmptyAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AServiceThatDoesNotMigrate_IsNotReady_UntilTheMigrationsAreApplied()
    {
        await using var service = new NotMigratingApiFactory(_database);
        var client = service.CreateClient();

        var behind = await (await client.GetAsync("/health/ready", token: null)).ExpectEnvelopeAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        await (await client.GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("migration(s) behind the service", behind["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await using (var migrating = ApiFactory.On(_database))
        {
            await migrating.InitializeAsync();
        }

        await Task.Delay(DatabaseReadiness.CacheFor + TimeSpan.FromMilliseconds(200));
        await (await client.GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK);
    }
}
