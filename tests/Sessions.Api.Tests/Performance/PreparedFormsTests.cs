using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// On PostgreSQL a connection keeps every statement it prepared for its whole life: the tagged
/// reads, a save's writes and the small upserts of kept sums (ADR 0026, 0087). Their texts must
/// come in a few fixed forms, or a connection would keep one more for every value, id or pattern
/// of rows it ever wrote. The same kinds of change made to other sessions, with other values,
/// prepare no new statement.
/// </summary>
public sealed class PreparedFormsTests
{
    [ProviderFact("Postgres")]
    public async Task TheSameChangesOfOtherSessions_PrepareNoNewStatement_OnPostgres()
    {
        await using var host = new OneConnectionApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();

        await ChangeAsync(client, workspace, owner, "a");
        var first = await PreparedAsync(host);
        await ChangeAsync(client, workspace, owner, "b");
        await ChangeAsync(client, workspace, owner, "c");
        var later = await PreparedAsync(host);

        Assert.Equal(first, later);
        Assert.All(
            ["INSERT INTO sessions", "UPDATE sessions", "INSERT INTO session_messages", "INSERT INTO session_usage_days", "DELETE FROM session_counts", "DELETE FROM sessions"],
            write => Assert.Contains(first, statement => statement.Contains(write, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Every kind of change of one session, with values of their own: a create with labels, an
    /// append with usage, a new title, new labels (some counts fall to zero and are dropped), the
    /// share, archive, pin and freeze and their undoing where there is one, and a delete.
    /// </summary>
    private static async Task ChangeAsync(HttpClient client, TestWorkspace workspace, TestUser owner, string round)
    {
        var session = (await client.CreateSessionAsync(workspace, owner, extra: new { title = $"title {round}", model = $"model-{round}", labels = new { team = new[] { $"red-{round}" }, env = new[] { $"prod-{round}" } } })).Id();
        await client.AppendAsync(
            workspace, owner, session,
            new { role = "user", content = $"question {round}" },
            new { role = "assistant", content = $"answer {round}", usage = new { input_tokens = round.Length * 7, output_tokens = 3 } });
        var path = workspace.SessionPath(session);
        await (await client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = $"retitled {round}" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { labels = new { team = new[] { $"blue-{round}" }, tier = new[] { "gold", $"silver-{round}" } } })).ExpectAsync(HttpStatusCode.OK);
        await (await client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { visibility = "workspace" })).ExpectAsync(HttpStatusCode.OK);
        foreach (var step in new[] { "archive", "unarchive", "pin", "unpin", "freeze" })
        {
            await (await client.PostAsync($"{path}/{step}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        }

        var deleted = (await client.CreateSessionAsync(workspace, owner, extra: new { labels = new { team = new[] { $"red-{round}" } } })).Id();
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, workspace.SessionPath(deleted), owner.Token())).StatusCode);
    }

    /// <summary>The statements the service's one connection keeps prepared, in order.</summary>
    private static Task<List<string>> PreparedAsync(ApiFactory host) =>
        host.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements ORDER BY statement").ToListAsync());

    /// <summary>The service with one connection in its pool, so that every statement it prepares is that connection's.</summary>
    private sealed class OneConnectionApiFactory : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings =>
            new Dictionary<string, string?> { ["ConnectionStrings:Sessions"] = Database.ConnectionString + ";Maximum Pool Size=1" };
    }
}
