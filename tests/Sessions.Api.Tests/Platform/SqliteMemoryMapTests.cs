using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host whose SQLite connections read the file through a memory map of 64 MB.</summary>
public sealed class MappedApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Database:SqliteMemoryMapMegabytes"] = "64" };
}

/// <summary><c>Database:SqliteMemoryMapMegabytes</c> maps the file on every connection of the service's contexts (ADR 0083).</summary>
public sealed class SqliteMemoryMapTests(MappedApiFactory factory) : ApiTest<MappedApiFactory>(factory), IClassFixture<MappedApiFactory>
{
    /// <summary>
    /// The connection a context of the service opens maps the size asked for (a library built
    /// without memory-mapped I/O would answer 0), and a session written and read through it is the same.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task AConfiguredMap_TakesOnTheServicesConnections_AndReadsWhatWasWritten()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var created = await Client.CreateSessionAsync(workspace, owner, extra: new { title = "mapped" });

        var read = await (await Client.GetAsync(workspace.SessionPath(created.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var mapped = await Factory.WithDbAsync(db => db.Database.SqlQueryRaw<long>("PRAGMA mmap_size").ToListAsync());

        Assert.Equal("mapped", read["title"]!.GetValue<string>());
        Assert.Equal([64L * 1024 * 1024], mapped);
    }
}
