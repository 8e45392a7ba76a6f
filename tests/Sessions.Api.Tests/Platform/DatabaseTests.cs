using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

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

    [Fact]
    public async Task Migrations_AreAllApplied()
    {
        var pending = await factory.WithDbAsync(db => db.Database.GetPendingMigrationsAsync());

        Assert.Empty(pending);
    }
}
