using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// SQLite indexes a label once, as <c>key:value</c> (ADR 0046): every text within the value is
/// within it too, so a second row of the value alone doubled the trigram index's work on every
/// label written or removed and found nothing more. The migration removes the rows of databases
/// from before it; search finds a label by its value as before, through the index.
/// </summary>
public sealed class SqliteSearchRowsTests
{
    [ProviderFact("Sqlite")]
    public async Task ALabel_IsIndexedOnce_AsKeyValue_AndStillFoundByItsValue_AfterTheMigration()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner, extra: new { title = "plain", labels = new Dictionary<string, string[]> { ["team"] = ["crimson", "navy"] } })).Id();

        Assert.Equal(["k", "k", "m", "t"], await KindsAsync(host, session));
        await host.RunMigrationAgainAsync("_LabelsSearchedOnce");
        Assert.Equal(["k", "k", "m", "t"], await KindsAsync(host, session));

        // The index agrees with its rows (FTS5's integrity check fails on an entry of a row gone).
        await host.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("INSERT INTO session_search (session_search) VALUES ('integrity-check')"));

        foreach (var search in new[] { "crimson", "RIMS", "team:cri", "am:na", "cr" })
        {
            var page = await (await client.GetAsync($"{workspace.SessionsPath}?search={Uri.EscapeDataString(search)}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal([session.ToString()], page["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        }
    }

    private static Task<List<string>> KindsAsync(ApiFactory host, Guid session) =>
        host.WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("SELECT kind AS \"Value\" FROM session_search_rows WHERE session_id = {0} ORDER BY kind", session.ToString().ToUpperInvariant())
            .ToListAsync());
}
