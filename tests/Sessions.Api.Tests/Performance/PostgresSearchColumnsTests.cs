using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// On PostgreSQL search reads a session's title, model and agent from their copy in
/// <c>session_search_columns</c>, which triggers keep in step, so that an append, a freeze or any
/// other change of a session's row writes no trigram index (ADR 0085). Each test fails if the copy
/// misses a change, is rewritten by a write that leaves the three texts as they were, or outlives
/// its session.
/// </summary>
public sealed class PostgresSearchColumnsTests
{
    [ProviderFact("Postgres")]
    public async Task TheCopy_FollowsEveryChangeOfTheTexts_AndNoOtherWrite()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var (workspace, owner, session) = await WorkspaceWithASessionAsync(host, client);
        var other = (await client.CreateSessionAsync(workspace, owner, extra: new { title = "plain", model = "m" })).Id();

        Assert.Equal([session], await FoundAsync(client, workspace, owner, "r falc"));
        Assert.Equal([session], await FoundAsync(client, workspace, owner, "KESTREL"));
        Assert.Equal([session], await FoundAsync(client, workspace, owner, "cou"));

        var written = await CopyVersionAsync(host, session);
        await client.AppendAsync(workspace, owner, session, new { role = "user", content = "q" }, new { role = "assistant", content = "a" });
        await (await client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { title = "Amber Falcon" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(written, await CopyVersionAsync(host, session));

        await (await client.SendAsync(HttpMethod.Patch, workspace.SessionPath(other), owner.Token(), new { title = "Cobalt Heron", model = "wren-2", agent = "keeper" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([other], await FoundAsync(client, workspace, owner, "heron"));
        Assert.Equal([other], await FoundAsync(client, workspace, owner, "WREN-"));
        Assert.Equal([other], await FoundAsync(client, workspace, owner, "keep"));
        Assert.Empty(await FoundAsync(client, workspace, owner, "plain"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, workspace.SessionPath(other), owner.Token())).StatusCode);
        Assert.Equal(0, await host.WithDbAsync(db => db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM session_search_columns WHERE session_id = {0}", other).SingleAsync()));
    }

    [ProviderFact("Postgres")]
    public async Task TheMigration_CopiesTheTextsOfSessionsBeforeIt_AndLeavesTheSessionsRowWithoutTrigramIndexes()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var (workspace, owner, session) = await WorkspaceWithASessionAsync(host, client);

        await host.RunMigrationAgainAsync("_SearchColumnsApart");

        foreach (var search in new[] { "falcon", "kestrel", "scout" })
        {
            Assert.Equal([session], await FoundAsync(client, workspace, owner, search));
        }

        var trigramIndexes = await host.WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("SELECT tablename || '.' || indexname AS \"Value\" FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE '%gin_trgm_ops%' ORDER BY 1")
            .ToListAsync());
        Assert.Equal(
            ["session_labels.ix_session_labels_key_value_trgm", "session_labels.ix_session_labels_value_trgm",
             "session_search_columns.ix_session_search_columns_agent_trgm", "session_search_columns.ix_session_search_columns_model_trgm", "session_search_columns.ix_session_search_columns_title_trgm"],
            trigramIndexes);
    }

    /// <summary>A workspace, its member and one session of theirs titled "Amber Falcon", of model "kestrel-7" and agent "scout".</summary>
    private static async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session)> WorkspaceWithASessionAsync(ApiFactory host, HttpClient client)
    {
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner, extra: new { title = "Amber Falcon", model = "kestrel-7", agent = "scout" })).Id();
        return (workspace, owner, session);
    }

    private static async Task<List<Guid>> FoundAsync(HttpClient client, TestWorkspace workspace, TestUser owner, string search)
    {
        var page = await (await client.GetAsync($"{workspace.SessionsPath}?search={Uri.EscapeDataString(search)}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        return page["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>())).ToList();
    }

    /// <summary>The copy's row version (<c>xmin</c>, the transaction that last wrote it): it changes when the row is rewritten.</summary>
    private static Task<string> CopyVersionAsync(ApiFactory host, Guid session) =>
        host.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT xmin::text AS \"Value\" FROM session_search_columns WHERE session_id = {0}", session).SingleAsync());
}
