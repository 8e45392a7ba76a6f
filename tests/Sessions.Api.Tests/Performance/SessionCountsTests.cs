using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Counts;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// Facets and listing totals are summed from counts the service keeps in the same transaction as
/// each change. After a seeded mix of every kind of change, they must equal what the sessions
/// themselves say, for every kind of caller, and each part of a count (ADR 0086) must count the
/// sessions of its part exactly.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class SessionCountsTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private static readonly string[] Models = ["gpt-4o", "claude", "llama"];
    private static readonly string[] Agents = ["coder", "writer"];
    private static readonly string[] Teams = ["red", "blue", "green"];

    [Fact]
    public async Task FacetsAndTotals_AfterEveryKindOfChange_EqualTheSessionsThemselves()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var alice = await workspace.AddMemberAsync();
        var bob = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var random = new Random(7);
        var owned = new List<(Guid Id, TestUser Owner)>();
        foreach (var owner in new[] { alice, bob, admin, alice, bob, alice })
        {
            for (var i = 0; i < 4; i++)
            {
                var labels = new Dictionary<string, string[]> { ["team"] = [Teams[random.Next(3)]] };
                if (random.Next(2) == 0)
                {
                    labels["tier"] = ["gold", "silver"];
                }

                var origin = random.Next(5) == 0 ? "eval" : random.Next(4) == 0 ? "worker" : "user";
                var created = await Client.CreateSessionAsync(workspace, owner, extra: new
                {
                    model = Models[random.Next(3)],
                    agent = random.Next(3) == 0 ? null : Agents[random.Next(2)],
                    labels,
                    origin,
                    visibility = random.Next(2) == 0 ? "workspace" : "private",
                });
                owned.Add((created.Id(), owner));
            }
        }

        foreach (var (id, owner) in owned)
        {
            var path = workspace.SessionPath(id);
            switch (random.Next(7))
            {
                case 0:
                    await Expect(Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { model = "renamed", labels = new { team = new[] { "blue", "red" } } }));
                    break;
                case 1:
                    await Expect(Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { visibility = "workspace", agent = "planner" }));
                    break;
                case 2:
                    await Expect(Client.PostAsync(path + "/archive", owner.Token()));
                    break;
                case 3:
                    await Expect(Client.PostAsync(path + "/transcript", owner.Token(), new { context = new { agent = "tester", model = "o3" }, messages = new[] { new { role = "user", content = "hi" } } }));
                    break;
                case 4:
                    var deleted = await Client.SendAsync(HttpMethod.Delete, path, owner.Token());
                    Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
                    break;
                case 5:
                    await Expect(Client.PostAsync(path + "/archive", owner.Token()));
                    await Expect(Client.PostAsync(path + "/unarchive", owner.Token()));
                    break;
                default:
                    await Expect(Client.PostAsync(path + "/freeze", owner.Token()));
                    break;
            }
        }

        await Expect(Client.PostAsync(workspace.SessionsPath + "/bulk-share", alice.Token(), new { session_ids = owned.Where(o => o.Owner == alice).Select(o => o.Id) }));

        await AssertCountsEqualTheSessionsAsync(Client, workspace, alice, bob, admin);
        await AssertEachPartCountsItsSessionsAsync(Factory, workspace);
    }

    /// <summary>
    /// The same after changes that race: two changes of each session at once (labels, model,
    /// sharing, archiving, appends with context, freezes; a change a freeze wins against is 409),
    /// then bulk freezes and bulk deletes of sessions of every owner.
    /// </summary>
    [Fact]
    public async Task FacetsAndTotals_AfterConcurrentChangesAndBulkActions_EqualTheSessionsThemselves()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var alice = await workspace.AddMemberAsync();
        var bob = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var random = new Random(11);
        var owned = new List<(Guid Id, TestUser Owner)>();
        foreach (var owner in new[] { alice, bob, admin, alice, bob, alice, bob, alice })
        {
            var created = await Client.CreateSessionAsync(workspace, owner, extra: new
            {
                model = Models[random.Next(3)],
                agent = Agents[random.Next(2)],
                labels = new Dictionary<string, string[]> { ["team"] = [Teams[random.Next(3)]] },
                visibility = random.Next(2) == 0 ? "workspace" : "private",
            });
            owned.Add((created.Id(), owner));
        }

        Func<Task<HttpResponseMessage>> Change(Guid id, TestUser owner, int kind)
        {
            var path = workspace.SessionPath(id);
            return kind switch
            {
                0 => () => Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { model = "renamed", labels = new { team = new[] { "blue", "red" }, tier = new[] { "gold" } } }),
                1 => () => Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { visibility = "workspace", agent = "planner" }),
                2 => () => Client.PostAsync(path + "/archive", owner.Token()),
                3 => () => Client.PostAsync(path + "/transcript", owner.Token(), new { context = new { agent = "tester", model = "o3" }, messages = new[] { new { role = "user", content = "hi" } } }),
                4 => () => Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { labels = new { team = new[] { "green" } } }),
                _ => () => Client.PostAsync(path + "/freeze", owner.Token()),
            };
        }

        var changes = owned.SelectMany(o => new[] { Change(o.Id, o.Owner, random.Next(6)), Change(o.Id, o.Owner, random.Next(6)) }).ToList();
        var statuses = await Task.WhenAll(changes.Select(async change => (await change()).StatusCode));
        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));

        var ids = owned.Select(o => o.Id).ToList();
        await Task.WhenAll(
            Expect(Client.PostAsync(workspace.SessionsPath + "/bulk-freeze", admin.Token(), new { session_ids = ids.Where((_, i) => i % 3 == 0) })),
            Expect(Client.PostAsync(workspace.SessionsPath + "/bulk-delete", admin.Token(), new { session_ids = ids.Where((_, i) => i % 3 == 1) })),
            Expect(Client.PostAsync(workspace.SessionsPath + "/bulk-share", alice.Token(), new { session_ids = owned.Where(o => o.Owner == alice).Select(o => o.Id) })));

        await AssertCountsEqualTheSessionsAsync(Client, workspace, alice, bob, admin);
        await AssertEachPartCountsItsSessionsAsync(Factory, workspace);
    }

    /// <summary>
    /// A session's part is its id's last byte (its last two hex digits) modulo the parts, 8 where
    /// writers run side by side and 1 on SQLite: ids that differ only in that byte spread over
    /// every part, and no other byte moves a session to another.
    /// </summary>
    [Fact]
    public void APart_IsTheIdsLastByteModuloTheParts()
    {
        Assert.Equal([1, 8, 8], new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres, DatabaseProvider.SqlServer }.Select(CountParts.For));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 0, 1], Enumerable.Range(0, 10).Select(b => CountParts.Of(Guid.Parse($"00000000-0000-0000-0000-0000000000{b:x2}"), 8)));
        Assert.Equal(7, CountParts.Of(Guid.Parse("00000000-0000-0000-0000-0000000000ff"), 8));
        Assert.Equal(2, CountParts.Of(Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffff0a"), 8));
        Assert.Equal(0, CountParts.Of(Guid.Parse("0a0b0c0d-0e0f-1011-1213-141516171800"), 8));
        Assert.Equal(0, CountParts.Of(Guid.Parse("0a0b0c0d-0e0f-1011-1213-1415161718ff"), 1));
    }

    /// <summary>32 creates at once in one workspace by one owner: each is kept, and so are the counts, part by part.</summary>
    [Fact]
    public async Task Counts_AfterConcurrentCreatesInOneWorkspace_EqualTheSessionsThemselves()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var alice = await workspace.AddMemberAsync();
        var bob = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        var created = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Client.CreateSessionAsync(workspace, alice, extra: new
        {
            model = Models[i % 3],
            agent = Agents[i % 2],
            labels = new Dictionary<string, string[]> { ["team"] = [Teams[i % 3]] },
            visibility = i % 4 == 0 ? "private" : "workspace",
        })));

        Assert.Equal(32, created.Select(c => c.Id()).Distinct().Count());
        await AssertCountsEqualTheSessionsAsync(Client, workspace, alice, bob, admin);
        await AssertEachPartCountsItsSessionsAsync(Factory, workspace);
    }

    /// <summary>
    /// The migration that split the counts into parts counts the sessions stored before it again,
    /// part by part (on SQLite, one part: its rows stay as they were).
    /// </summary>
    [Fact]
    public async Task TheMigration_SplitsTheCountsOfSessionsBeforeIt_IntoTheirParts()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var alice = await workspace.AddMemberAsync();
        var bob = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        for (var i = 0; i < 24; i++)
        {
            var owner = i % 3 == 0 ? bob : alice;
            var id = (await client.CreateSessionAsync(workspace, owner, extra: new
            {
                model = Models[i % 3],
                agent = i % 4 == 0 ? null : Agents[i % 2],
                labels = new Dictionary<string, string[]> { ["team"] = [Teams[i % 3]], ["tier"] = i % 2 == 0 ? ["gold", "silver"] : ["gold"] },
                origin = i % 5 == 0 ? "worker" : "user",
                visibility = i % 2 == 0 ? "workspace" : "private",
            })).Id();
            if (i % 6 == 1)
            {
                await Expect(client.PostAsync(workspace.SessionPath(id) + "/archive", owner.Token()));
            }
        }

        await host.RunMigrationAgainAsync("_CountParts");

        await AssertCountsEqualTheSessionsAsync(client, workspace, alice, bob, admin);
        await AssertEachPartCountsItsSessionsAsync(host, workspace);
    }

    /// <summary>Facets and label totals, for each caller and each listing form, against the sessions the list shows.</summary>
    private static async Task AssertCountsEqualTheSessionsAsync(HttpClient client, TestWorkspace workspace, TestUser alice, TestUser bob, TestUser admin)
    {
        foreach (var caller in new[] { alice, bob, admin })
        {
            foreach (var query in new[] { "", "?archived=any", "?archived=archived", "?include_workload_sessions=true&archived=any", $"?user={bob.Id}", $"?user_id={bob.Id}&user={alice.Id}&user={bob.Id}", $"?user_id={bob.Id}&user={alice.Id}", "?origin=worker&include_workload_sessions=true" })
            {
                var sessions = await AllAsync(client, workspace, caller, query);
                var facets = await Expect(client.GetAsync(workspace.SessionsPath + "/facets" + query, caller.Token()));
                Assert.Equal(Expected(sessions).ToJsonString(), Actual(facets).ToJsonString());
                foreach (var team in Teams)
                {
                    var filtered = await Expect(client.GetAsync($"{workspace.SessionsPath}{(query.Length == 0 ? "?" : query + "&")}label=team:{team}&limit=1", caller.Token()));
                    Assert.Equal(sessions.Count(s => s["labels"]!["team"]?.AsArray().Any(v => v!.GetValue<string>() == team) == true), filtered["total"]!.GetValue<long>());
                }
            }
        }
    }

    /// <summary>Every session the listing shows, page by page, with the total it claims checked against them.</summary>
    private static async Task<List<JsonObject>> AllAsync(HttpClient client, TestWorkspace workspace, TestUser caller, string query)
    {
        var sessions = new List<JsonObject>();
        long? total = null;
        for (var page = 1; ; page++)
        {
            var answer = await Expect(client.GetAsync($"{workspace.SessionsPath}{(query.Length == 0 ? "?" : query + "&")}limit=100&page={page}", caller.Token()));
            total ??= answer["total"]!.GetValue<long>();
            sessions.AddRange(answer["sessions"]!.AsArray().Select(s => s!.AsObject()));
            if (!answer["has_next"]!.GetValue<bool>())
            {
                break;
            }
        }

        Assert.Equal(total, sessions.Count);
        return sessions;
    }

    /// <summary>
    /// The workspace's origin counts, the rows every total sums, against its sessions: each row
    /// counts the sessions of its owner, sharing, archived state, origin and part (the part the
    /// service computes from a session's id, which the migration computes in SQL), and no row is
    /// below zero or left over.
    /// </summary>
    private static async Task AssertEachPartCountsItsSessionsAsync(ApiFactory host, TestWorkspace workspace)
    {
        var (parts, rows, sessions) = await host.WithDbAsync(async db => (
            CountParts.For(db.Provider),
            await db.SessionCounts.AsNoTracking().Where(c => c.WorkspaceId == workspace.WorkspaceId && c.Dimension == Dimensions.Origin).ToListAsync(),
            await db.Sessions.AsNoTracking().Where(s => s.WorkspaceId == workspace.WorkspaceId).Select(s => new { s.Id, s.UserId, s.Visibility, s.ArchivedAt, s.Origin }).ToListAsync()));

        var expected = sessions
            .GroupBy(s => (s.UserId, Shared: s.Visibility == SessionVisibility.Workspace ? 1 : 0, Archived: s.ArchivedAt is null ? 0 : 1, Origin: s.Origin.ToString(), Part: CountParts.Of(s.Id, parts)))
            .Select(g => $"{g.Key}={g.Count()}")
            .Order(StringComparer.Ordinal);
        var actual = rows.Where(r => r.Count != 0).Select(r => $"{(r.OwnerId, r.Shared, r.Archived, r.Origin, r.Part)}={r.Count}").Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        Assert.All(rows, r => Assert.InRange(r.Part, 0, parts - 1));
    }

    private static JsonObject Expected(List<JsonObject> sessions)
    {
        static JsonArray Counts(IEnumerable<string> values) =>
            [.. values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (JsonNode)$"{g.Key}={g.Count()}")];

        var labels = new JsonObject();
        foreach (var key in sessions.SelectMany(s => s["labels"]!.AsObject().Select(l => l.Key)).Distinct().Order(StringComparer.Ordinal))
        {
            labels[key] = Counts(sessions.SelectMany(s => s["labels"]![key]?.AsArray().Select(v => v!.GetValue<string>()) ?? []));
        }

        return new JsonObject
        {
            ["labels"] = labels,
            ["agents"] = Counts(sessions.Where(s => s["agent"] is not null).Select(s => s["agent"]!.GetValue<string>())),
            ["models"] = Counts(sessions.Select(s => s["model"]!.GetValue<string>())),
            ["origins"] = Counts(sessions.Select(s => s["origin"]!.GetValue<string>())),
            ["users"] = Counts(sessions.Select(s => s["user_id"]!.GetValue<string>())),
        };
    }

    private static JsonObject Actual(JsonObject facets)
    {
        static JsonArray Counts(JsonNode? values) =>
            [.. values!.AsArray().Select(v => (JsonNode)$"{v!["value"]!.GetValue<string>()}={v["count"]!.GetValue<long>()}")];

        var labels = new JsonObject();
        foreach (var (key, values) in facets["labels"]!.AsObject())
        {
            labels[key] = Counts(values);
        }

        return new JsonObject
        {
            ["labels"] = labels,
            ["agents"] = Counts(facets["agents"]),
            ["models"] = Counts(facets["models"]),
            ["origins"] = Counts(facets["origins"]),
            ["users"] = Counts(facets["users"]),
        };
    }

    private static async Task<JsonObject> Expect(Task<HttpResponseMessage> response) => await (await response).ExpectAsync(HttpStatusCode.OK);
}
