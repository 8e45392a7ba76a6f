using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Sessions;

/// <summary>
/// A session's labels folded into one word on its row (ADR 0035): every save that sets labels
/// writes the word, a label filter tests it before it probes the labels, and a word not folded yet
/// (a row from before the column) hides nothing.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class FoldedLabelsTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task ACreateAndALabelReplacement_WriteTheWordOfTheLabels_AndAChangeOfNothingElseKeepsIt()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"], ["env"] = ["dev"] } })).Id();

        Assert.Equal(LabelBits.Of([("team", "red"), ("team", "blue"), ("env", "dev")]), await WordOfAsync(session));

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new Dictionary<string, string[]> { ["team"] = ["gold"] } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(LabelBits.Of("team", "gold"), await WordOfAsync(session));

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { title = "renamed" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(LabelBits.Of("team", "gold"), await WordOfAsync(session));

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new Dictionary<string, string[]>() })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, await WordOfAsync(session));
    }

    [Fact]
    public async Task AWordNotFoldedYet_HidesNothingFromALabelFilter_AndTheSessionsNextChangeFoldsIt()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var red = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red"], ["env"] = ["dev"] } })).Id();
        var blue = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["blue"] } })).Id();
        await SetWordAsync(red, LabelBits.Unknown);
        await SetWordAsync(blue, LabelBits.Unknown);

        Assert.Equal([red], await ListedAsync(workspace, owner, "label=team:red"));
        Assert.Equal([red], await ListedAsync(workspace, owner, "label=team:red&label=env:dev"));
        Assert.Equal([blue], await ListedAsync(workspace, owner, "label=team:blue"));

        await (await Client.PostAsync(workspace.SessionPath(red) + "/pin", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(LabelBits.Of([("team", "red"), ("env", "dev")]), await WordOfAsync(red));
        Assert.Equal([red], await ListedAsync(workspace, owner, "label=team:red"));
    }

    [Fact]
    public async Task ALabelFilter_TestsTheWordBeforeTheLabels_ForOneKeyAndForSeveral()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red"], ["env"] = ["dev"] };
        var folded = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        var emptied = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        var withoutEnv = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();

        // Words that deny labels their rows hold: a listing that read only the rows would list all three.
        await SetWordAsync(emptied, 0);
        await SetWordAsync(withoutEnv, LabelBits.Of("team", "red"));

        Assert.Equal([withoutEnv, folded], await ListedAsync(workspace, owner, "label=team:red"));
        Assert.Equal([folded], await ListedAsync(workspace, owner, "label=team:red&label=env:dev"));
        Assert.Equal([folded], await ListedAsync(workspace, owner, "label=env:dev&label=env:prod"));
    }

    [Fact]
    public void AValuesTrailingSpaces_SetTheBitOfTheValueWithout_AsSqlServerComparesThem()
    {
        Assert.Equal(LabelBits.Of("team", "red"), LabelBits.Of("team", "red  "));
        Assert.NotEqual(LabelBits.Of("team", "red"), LabelBits.Of("team", "gold"));
        Assert.Equal(long.MinValue, LabelBits.Of("team", "v15"));
    }

    /// <summary>The migration computes the word in SQL on PostgreSQL only.</summary>
    [ProviderFact("Postgres")]
    public async Task PostgreSqlFoldsALabel_AsTheServiceDoes_InTheMigrationsExpression()
    {
        (string Key, string Value)[] labels =
            [("team", "red"), ("team", "red "), ("team", "v15"), ("k8s:ns", "prod:eu"), ("name", "café"), ("lang", "日本語"), ("mood", "🙂"), ("x", new string('v', 256))];
        foreach (var (key, value) in labels)
        {
            // The expression of the migration FoldedLabels (its backfill and its trigger) and of bench/seed.sql.
            var inSql = await Factory.WithDbAsync(db => db.Database
                .SqlQuery<long>($"SELECT 1::bigint << (get_byte(sha256(convert_to({key} || ':' || rtrim({value}, ' '), 'UTF8')), 0) & 63) AS \"Value\"")
                .SingleAsync());
            Assert.Equal(LabelBits.Of(key, value), inSql);
        }
    }

    /// <summary>
    /// On PostgreSQL a label written by another writer (an instance of the service from before the
    /// word, during a rolling deploy, or SQL by hand) sets its bit too: the migration's trigger.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task OnPostgreSql_ALabelRowWrittenBesideTheService_SetsItsBit()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red"] } })).Id();
        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"INSERT INTO session_labels (session_id, key, value, position) VALUES ({session}, 'env', 'dev', 1)"));

        Assert.Equal(LabelBits.Of([("team", "red"), ("env", "dev")]), await WordOfAsync(session));
        Assert.Equal([session], await ListedAsync(workspace, owner, "label=env:dev"));
    }

    /// <summary>
    /// The migration on a database with sessions: on PostgreSQL it folds every session's labels,
    /// elsewhere it leaves a labelled session at <see cref="LabelBits.Unknown"/> (found by every
    /// filter) and gives one without labels no bits; either way the listing by label is unchanged.
    /// </summary>
    [Fact]
    public async Task TheMigration_OnSessionsFromBeforeIt_FoldsWhatItCan_AndHidesNothing()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var labelled = (await client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"] } })).Id();
        var bare = (await client.CreateSessionAsync(workspace, owner)).Id();

        await host.RunMigrationAgainAsync("_FoldedLabels");

        Assert.Equal(host.Database.IsPostgres ? LabelBits.Of([("team", "red"), ("team", "blue")]) : LabelBits.Unknown, await WordOfAsync(host, labelled));
        Assert.Equal(0, await WordOfAsync(host, bare));
        Assert.Equal([labelled], await ListedAsync(client, workspace, owner, "label=team:blue"));
    }

    private Task<long> WordOfAsync(Guid session) => WordOfAsync(Factory, session);

    private static Task<long> WordOfAsync(ApiFactory host, Guid session) =>
        host.WithDbAsync(db => db.Sessions.Where(s => s.Id == session).Select(s => EF.Property<long>(s, LabelBits.Property)).SingleAsync());

    private Task<int> SetWordAsync(Guid session, long word) =>
        Factory.WithDbAsync(db => db.Sessions.Where(s => s.Id == session).ExecuteUpdateAsync(set => set.SetProperty(s => EF.Property<long>(s, LabelBits.Property), word)));

    private Task<List<Guid>> ListedAsync(TestWorkspace workspace, TestUser caller, string query) => ListedAsync(Client, workspace, caller, query);

    private static async Task<List<Guid>> ListedAsync(HttpClient client, TestWorkspace workspace, TestUser caller, string query)
    {
        var page = await (await client.GetAsync($"{workspace.SessionsPath}?{query}", caller.Token())).ExpectAsync(HttpStatusCode.OK);
        return [.. page["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>()))];
    }
}
