using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Sessions;

/// <summary>
/// A session's labels as a map on its row (ADR 0075): every read answers with it, the migration
/// fills it from the label rows, and on PostgreSQL rows written beside the service set it.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class LabelMapTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>Keys out of alphabetical order, a repeated value, and values JSON must escape.</summary>
    private static readonly Dictionary<string, string[]> Tricky = new()
    {
        ["zeta"] = ["b", "a", "b"],
        ["alpha"] = ["quote \" and backslash \\", "line\nbreak\ttab", "café 日本語 🙂", "</script>"],
    };

    /// <summary>Writes an answer's labels as they were sent, non-ASCII letters unescaped.</summary>
    private static readonly JsonSerializerOptions Answers = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What a session created with <see cref="Tricky"/> answers, in the order the client gave.</summary>
    private const string TrickyAnswered =
        """{"zeta":["b","a"],"alpha":["quote \" and backslash \\","line\nbreak\ttab","café 日本語 🙂","</script>"]}""";

    /// <summary>
    /// A session loaded for change carries its label rows only when the load asks for them (a
    /// change of its labels, ADR 0076); without them it refuses to hand out rows it does not have,
    /// and answers with its map.
    /// </summary>
    [Fact]
    public async Task ALoadForChange_CarriesTheLabelRows_OnlyWhenAskedFor()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"], ["env"] = ["dev"] } })).Id();

        foreach (var load in new Func<ISessionRepository, Task<Session?>>[] { r => r.GetForChangeAsync(session, default), r => r.GetForUpdateAsync(session, withLabelRows: false, default) })
        {
            var loaded = (await LoadAsync(load))!;
            Assert.Throws<InvalidOperationException>(() => loaded.Labels);
            Assert.Equal(["red", "blue"], loaded.LabelMap["team"]);
        }

        var withRows = (await LoadAsync(r => r.GetForUpdateAsync(session, withLabelRows: true, default)))!;
        Assert.Equal([("team", "red"), ("team", "blue"), ("env", "dev")], withRows.Labels.OrderBy(l => l.Position).Select(l => (l.Key, l.Value)));

        async Task<Session?> LoadAsync(Func<ISessionRepository, Task<Session?>> load)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            return await load(scope.ServiceProvider.GetRequiredService<ISessionRepository>());
        }
    }

    [Fact]
    public async Task TheMigration_MapsEveryLabelledSessionFromItsRows_InTheirOrder()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var tricky = (await client.CreateSessionAsync(workspace, owner, extra: new { labels = Tricky })).Id();
        var relabelled = (await client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red"], ["env"] = ["dev"] } })).Id();
        await (await client.SendAsync(HttpMethod.Patch, workspace.SessionPath(relabelled), owner.Token(), new { labels = new Dictionary<string, string[]> { ["tier"] = ["gold", "silver"], ["team"] = ["blue"] } })).ExpectAsync(HttpStatusCode.OK);
        var bare = (await client.CreateSessionAsync(workspace, owner)).Id();

        // Positions against the rows' insertion order: the map follows the positions.
        await host.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE session_labels SET position = 10 - position WHERE session_id IN (SELECT id FROM sessions WHERE id_text = {relabelled.ToString()})"));

        await host.RunMigrationAgainAsync("_LabelMapOnTheRow");

        Assert.Equal(Written(TrickyAnswered), await LabelsAnsweredAsync(client, workspace, owner, tricky));
        Assert.Equal("""{"team":["blue"],"tier":["silver","gold"]}""", await LabelsAnsweredAsync(client, workspace, owner, relabelled));
        Assert.Equal("{}", await LabelsAnsweredAsync(client, workspace, owner, bare));
        Assert.Equal(LabelMapColumn.Empty, await StoredAsync(host, bare));
        var page = await (await client.GetAsync(workspace.SessionsPath, owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Written(TrickyAnswered), page["sessions"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == tricky.ToString())!["labels"]!.ToJsonString(Answers));
    }

    /// <summary>
    /// On PostgreSQL a label row inserted, changed, moved or deleted by another writer (an instance
    /// of the service from before the map, during a rolling deploy, or SQL by hand) sets its
    /// session's map once its transaction commits; the map the service writes with its rows is left
    /// as the service wrote it.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task OnPostgreSql_LabelRowsWrittenBesideTheService_SetTheMap_AndTheServicesOwnMapIsKept()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red"] } })).Id();

        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"INSERT INTO session_labels (session_id, key, value, position) VALUES ({session}, 'env', 'dev', 1), ({session}, 'team', 'blue', 2)"));
        Assert.Equal("""{"team":["red","blue"],"env":["dev"]}""", await LabelsAnsweredAsync(Client, workspace, owner, session));

        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE session_labels SET value = 'gold' WHERE session_id = {session} AND value = 'red'"));
        Assert.Equal("""{"team":["gold","blue"],"env":["dev"]}""", await LabelsAnsweredAsync(Client, workspace, owner, session));

        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM session_labels WHERE session_id = {session} AND key = 'team'"));
        Assert.Equal("""{"env":["dev"]}""", await LabelsAnsweredAsync(Client, workspace, owner, session));

        // Several rows in one transaction: the map is the rows' when it commits.
        await Factory.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlAsync($"INSERT INTO session_labels (session_id, key, value, position) VALUES ({session}, 'tier', 'gold', 3), ({session}, 'tier', 'iron', 4)");
            await db.Database.ExecuteSqlAsync($"DELETE FROM session_labels WHERE session_id = {session} AND value = 'iron'");
            await transaction.CommitAsync();
        });
        Assert.Equal("""{"env":["dev"],"tier":["gold"]}""", await LabelsAnsweredAsync(Client, workspace, owner, session));

        // Keys reordered by their positions alone, then a row moved to another session: both maps follow.
        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE session_labels SET position = 0 WHERE session_id = {session} AND key = 'tier'"));
        Assert.Equal("""{"tier":["gold"],"env":["dev"]}""", await LabelsAnsweredAsync(Client, workspace, owner, session));
        var other = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE session_labels SET session_id = {other} WHERE session_id = {session} AND key = 'env'"));
        Assert.Equal("""{"tier":["gold"]}""", await LabelsAnsweredAsync(Client, workspace, owner, session));
        Assert.Equal("""{"env":["dev"]}""", await LabelsAnsweredAsync(Client, workspace, owner, other));

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new Dictionary<string, string[]> { ["k"] = ["v", "w"] } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"k":["v","w"]}""", await StoredAsync(Factory, session));
    }

    /// <summary>
    /// On a new PostgreSQL database, whose tables the start analyzed while they were empty (ADR
    /// 0079), the trigger reads a session's label rows by the index: a plan made while the table
    /// is a page would otherwise be a sequential scan, which plpgsql keeps as the table grows until
    /// autovacuum analyzes it, reading the whole table for every label row written (ADR 0088).
    /// The trigger runs here for each of six rows on one connection, past the five runs after
    /// which PostgreSQL may settle on a generic plan.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task OnANewPostgreSqlDatabase_TheTriggerReadsASessionsLabelRowsByTheIndex()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        for (var i = 0; i < 3; i++)
        {
            await client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red"], ["env"] = [$"e{i}"] } });
        }

        await using var connection = await host.Database.OpenOutsideThePoolAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.Equal(6, await ExecuteAsync("UPDATE session_labels SET position = position"));
        var (sequentialBefore, byIndexBefore) = await ScansOfTheLabelRowsAsync();

        // The deferred trigger runs for each updated row now rather than at the commit.
        await ExecuteAsync("SET CONSTRAINTS session_labels_map IMMEDIATE");
        var (sequentialAfter, byIndexAfter) = await ScansOfTheLabelRowsAsync();

        Assert.Equal(sequentialBefore, sequentialAfter);
        Assert.Equal(byIndexBefore + 6, byIndexAfter);

        async Task<int> ExecuteAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return await command.ExecuteNonQueryAsync();
        }

        // This transaction's scans of the table, counted as they start.
        async Task<(long Sequential, long ByIndex)> ScansOfTheLabelRowsAsync()
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables WHERE relid = 'session_labels'::regclass";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    /// <summary>
    /// Every answer that carries sessions carries their labels (CONTRACT §6): a group's sessions and
    /// the grouped listing read them by the same query as a list page on PostgreSQL.
    /// </summary>
    [Fact]
    public async Task AGroupsSessions_AndTheGroupedListing_AnswerWithEachSessionsLabelMap()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var group = (await (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() })).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = group, labels = Tricky });

        var detail = await (await Client.GetAsync($"{workspace.SessionsPath}/groups/{group}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var grouped = await (await Client.GetAsync($"{workspace.SessionsPath}/grouped", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(Written(TrickyAnswered), Assert.Single(detail["sessions"]!.AsArray())!["labels"]!.ToJsonString(Answers));
        var entry = grouped["groups"]!.AsArray().Single(g => g!["group"]?["id"]?.GetValue<string>() == group)!;
        Assert.Equal(Written(TrickyAnswered), Assert.Single(entry["sessions"]!.AsArray())!["labels"]!.ToJsonString(Answers));
    }

    [Fact]
    public void TheColumnsText_CarriesAnyMapInItsOrder_AndIsReadInTheDatabasesOwnSpacing()
    {
        var map = SessionLabel.ToMap(SessionLabel.FromMap(Tricky.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value)));

        var text = LabelMapColumn.Write(map);
        var read = LabelMapColumn.Read(text);

        Assert.Equal(map.Keys, read.Keys);
        Assert.All(map, pair => Assert.Equal(pair.Value, read[pair.Key]));
        Assert.Equal(JsonNode.Parse(TrickyAnswered)!.ToJsonString(), JsonNode.Parse(text)!.ToJsonString());
        Assert.Equal(LabelMapColumn.Empty, LabelMapColumn.Write(SessionLabel.NoLabels));
        Assert.Same(SessionLabel.NoLabels, LabelMapColumn.Read(LabelMapColumn.Empty));

        // PostgreSQL's json_object_agg and json_agg, as the migration and the trigger write the map.
        var spaced = LabelMapColumn.Read("""{ "b" : ["x", "y"], "a" : ["z"] }""");
        Assert.Equal(["b", "a"], spaced.Keys);
        Assert.Equal(["x", "y"], spaced["b"]);

        Assert.ThrowsAny<JsonException>(() => LabelMapColumn.Read("""["a"]"""));
        Assert.ThrowsAny<JsonException>(() => LabelMapColumn.Read("""{"a":1}"""));
        Assert.ThrowsAny<JsonException>(() => LabelMapColumn.Read("""{"a":["b"]"""));
        Assert.ThrowsAny<JsonException>(() => LabelMapColumn.Read("""{"a":[null,"b"]}"""));
        Assert.ThrowsAny<JsonException>(() => LabelMapColumn.Read("""{"a":["b",1]}"""));
        Assert.ThrowsAny<JsonException>(() => LabelMapColumn.Read("""{"a":["b"],"a":["c"]}"""));
    }

    [Fact]
    public void TheComparer_TellsMapsApartByTheirKeysValuesAndOrder()
    {
        IReadOnlyDictionary<string, IReadOnlyList<string>> Map(params (string Key, string[] Values)[] pairs) =>
            pairs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Values);
        var comparer = LabelMapColumn.Comparer;

        Assert.True(comparer.Equals(Map(("a", ["x", "y"]), ("b", ["z"])), Map(("a", ["x", "y"]), ("b", ["z"]))));
        Assert.False(comparer.Equals(Map(("a", ["x", "y"]), ("b", ["z"])), Map(("b", ["z"]), ("a", ["x", "y"]))));
        Assert.False(comparer.Equals(Map(("a", ["x", "y"])), Map(("a", ["y", "x"]))));
        Assert.False(comparer.Equals(Map(("a", ["x"])), Map(("a", ["x"]), ("b", ["z"]))));
        Assert.False(comparer.Equals(Map(("a", ["x"])), Map(("c", ["x"]))));
        Assert.False(comparer.Equals(Map(("a", ["x"])), null));
        Assert.True(comparer.Equals(null, null));
    }

    /// <summary>JSON text as the tests write an answer's labels, to compare with one.</summary>
    private static string Written(string json) => JsonNode.Parse(json)!.ToJsonString(Answers);

    private static async Task<string> LabelsAnsweredAsync(HttpClient client, TestWorkspace workspace, TestUser caller, Guid session) =>
        (await (await client.GetAsync(workspace.SessionPath(session), caller.Token())).ExpectAsync(HttpStatusCode.OK))["labels"]!.ToJsonString(Answers);

    /// <summary>The column's text as stored.</summary>
    private static Task<string> StoredAsync(ApiFactory host, Guid session) =>
        host.WithDbAsync(db => db.Database.SqlQuery<string>($"SELECT labels AS \"Value\" FROM sessions WHERE id_text = {session.ToString()}").SingleAsync());
}
