using System.Net;
using Microsoft.Data.Sqlite;
using Sessions.Api.Health;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A SQLite file deleted under the running service lives on for the connections that have it open,
/// and what they write is lost when the service stops: readiness says so, and names the file, also
/// once a new connection has created an empty database at the same path.
/// </summary>
public sealed class DeletedDatabaseFileTests
{
    [ProviderFact("Sqlite")]
    public async Task ADatabaseFileDeletedWhileOpen_MakesTheServiceNotReady_NamingTheFile()
    {
        await using var database = TestDatabase.Create();
        await using var service = ApiFactory.On(database);
        var client = service.CreateClient();
        await (await client.GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK);

        File.Delete(database.SqliteFile!);

        var ready = await PostgresOutageTests.EventuallyAsync(() => client.GetAsync("/health/ready", token: null), HttpStatusCode.ServiceUnavailable);
        var notReady = await ready.ExpectEnvelopeAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.StartsWith($"Not ready: The database file {database.SqliteFile} was deleted while the service had it open", notReady["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await client.GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);

        // A connection opened since creates an empty database at the path; the deleted one is still open, and still written.
        await using (var created = new SqliteConnection($"Data Source={database.SqliteFile};Pooling=false"))
        {
            await created.OpenAsync();
        }

        Assert.True(File.Exists(database.SqliteFile));
        await Task.Delay(DatabaseReadiness.CacheFor + TimeSpan.FromMilliseconds(500));
        await (await client.GetAsync("/health/ready", token: null)).ExpectEnvelopeAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
    }
}
