using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Usage;

/// <summary>Workspace usage (CONTRACT §5.8) checked against sums the test computes from the transcripts it wrote.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class UsageTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    public static TheoryData<string> Groupings => new() { "model", "agent", "user", "origin", "label:team", "day" };

    [Theory]
    [MemberData(nameof(Groupings))]
    public async Task Buckets_AndTotals_EqualTheTranscripts_ForWhatEachCallerSees(string groupBy)
    {
        var world = await WorldAsync();

        foreach (var (caller, sees) in new[] { (world.Alice, world.SeenByAlice), (world.Bob, world.SeenByBob), (world.Admin, world.SeenByAdmin) })
        {
            foreach (var (filter, matches) in new (string Query, Func<WrittenSession, bool> Matches)[]
            {
                (string.Empty, s => s.Origin != "eval"),
                ("&include_workload_sessions=true", _ => true),
                ("&model=gpt-4o&label=team:red&label=team:blue", s => s.Origin != "eval" && s.Model == "gpt-4o" && s.Labels.GetValueOrDefault("team", []).Intersect(["red", "blue"]).Any()),
            })
            {
                var counted = sees.Where(matches).ToList();
                var answer = await UsageAsync(world.Workspace, caller, $"group_by={groupBy}{filter}");

                Assert.Equal(groupBy, answer["group_by"]!.GetValue<string>());
                var buckets = answer["buckets"]!.AsArray();
                var expected = groupBy == "day" ? ExpectedUsage.ByDay(counted, _ => true) : ExpectedUsage.Buckets(counted, KeysOf(groupBy), _ => true);
                Assert.Equal(
                    expected.OrderBy(b => b.Key, StringComparer.Ordinal),
                    buckets.Select(b => KeyValuePair.Create(b!["key"]?.GetValue<string>() ?? "null", ExpectedUsage.Answered(b))).OrderBy(b => b.Key, StringComparer.Ordinal));
                Assert.Equal(ExpectedUsage.Figures(counted.Select(s => (s, s.Messages.ToList())), countEmpty: true), ExpectedUsage.Answered(answer["totals"]!));
                AssertOrdered(groupBy, buckets);
            }
        }
    }

    [Fact]
    public async Task Totals_EqualTheSumOfTheListedSessionsUsage()
    {
        var world = await WorldAsync();

        var totals = (await UsageAsync(world.Workspace, world.Bob, "group_by=model&include_workload_sessions=true"))["totals"]!;
        var listed = await Client.GetAsync($"{world.Workspace.SessionsPath}?include_workload_sessions=true&limit=100", world.Bob.Token()).ExpectAsync(HttpStatusCode.OK);
        var usages = listed["sessions"]!.AsArray().Select(s => s!["usage"]!).ToList();

        Assert.Equal(listed["total"]!.GetValue<long>(), totals["session_count"]!.GetValue<long>());
        Assert.Equal(usages.Sum(u => u["total_input_tokens"]!.GetValue<long>()), totals["input_tokens"]!.GetValue<long>());
        Assert.Equal(usages.Sum(u => u["total_message_count"]!.GetValue<long>()), totals["message_count"]!.GetValue<long>());
        Assert.Equal(usages.Sum(u => u["total_cost_usd"]!.GetValue<decimal>()), totals["cost_usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task AnUncostedGeneration_MakesItsBucketsAndTheTotalsCostUnknown()
    {
        var world = await WorldAsync();

        var alice = await UsageAsync(world.Workspace, world.Alice, "group_by=model");
        var bob = await UsageAsync(world.Workspace, world.Bob, "group_by=model");

        Assert.Null(alice["totals"]!["cost_usd"]);
        Assert.Null(alice["buckets"]!.AsArray().Single(b => b!["key"]!.GetValue<string>() == "claude")!["cost_usd"]);
        Assert.NotNull(alice["buckets"]!.AsArray().Single(b => b!["key"]!.GetValue<string>() == "gpt-4o")!["cost_usd"]);
        Assert.NotNull(bob["totals"]!["cost_usd"]);
    }

    [Fact]
    public async Task SharingAndArchiving_MoveASessionInAndOutOfWhatEachCallerCounts_ByDayToo()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var alice = await workspace.AddMemberAsync();
        var bob = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, alice)).Id();
        await Client.AppendAsync(workspace, alice, id, new { role = "assistant", content = "a", usage = new { input_tokens = 11, output_tokens = 1, cost_usd = 0.5 } });
        async Task<(long ByDay, long ByModel)> Counted(TestUser user, string filter = "") =>
            ((await UsageAsync(workspace, user, $"group_by=day{filter}"))["totals"]!["message_count"]!.GetValue<long>(),
             (await UsageAsync(workspace, user, $"group_by=model{filter}"))["totals"]!["message_count"]!.GetValue<long>());

        Assert.Equal((0L, 0L), await Counted(bob));
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(id), alice.Token(), new { visibility = "workspace" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((1L, 1L), await Counted(bob));
        await Client.PostAsync($"{workspace.SessionPath(id)}/archive", alice.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((0L, 0L), await Counted(bob));
        Assert.Equal((1L, 1L), await Counted(bob, "&archived=archived"));
        await Client.PostAsync($"{workspace.SessionPath(id)}/unarchive", alice.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((1L, 1L), await Counted(bob));
        Assert.Equal((0L, 0L), await Counted(bob, "&archived=archived"));
        Assert.Equal((1L, 1L), await Counted(bob, $"&user={alice.Id}&origin=user"));
        Assert.Equal((0L, 0L), await Counted(bob, $"&user={bob.Id}"));
        Assert.Equal((1L, 1L), await Counted(bob, $"&user_id={alice.Id}&user={alice.Id}&user={bob.Id}"));
        Assert.Equal((0L, 0L), await Counted(bob, $"&user_id={alice.Id}&user={bob.Id}"));
    }

    [Theory]
    [InlineData("", "group_by", "missing")]
    [InlineData("group_by=cost", "group_by", "enum")]
    [InlineData("group_by=Model", "group_by", "enum")]
    [InlineData("group_by=label:", "group_by", "enum")]
    [InlineData("group_by=label:Bad%20Key", "group_by", "enum")]
    [InlineData("group_by=day&from=yesterday", "from", "datetime_parsing")]
    [InlineData("group_by=day&from=2026-11-01", "from", "datetime_parsing")]
    [InlineData("group_by=day&to=2026-11-01T00:00:00", "to", "datetime_parsing")]
    [InlineData("group_by=day&from=2026-11-01T00:00:00Z%0A", "from", "datetime_parsing")]
    [InlineData("group_by=day&from=%D9%A2%D9%A0%D9%A2%D9%A6-11-01T00:00:00Z", "from", "datetime_parsing")]
    [InlineData("group_by=day&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "to", "value_error")]
    [InlineData("group_by=day&from=2026-11-01T00:00:00Z&to=2026-11-01T00:00:00Z", "to", "value_error")]
    [InlineData("group_by=day&from=2026-11-01T10:00:00.00000059Z&to=2026-11-01T10:00:00.00000051Z", "to", "value_error")]
    [InlineData("group_by=model&from=9999-12-31T00:00:01Z", "from", "value_error")]
    [InlineData("group_by=day&from=2026-11-01T00:00:00Z&to=9999-12-31T12:00:00Z", "to", "value_error")]
    public async Task BadQueries_Are422AtTheirParameter(string query, string parameter, string type)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync();

        var error = await Client.GetAsync($"{workspace.SessionsPath}/usage?{query}", member.Token()).ExpectValidationErrorAsync("query", parameter);

        Assert.Equal(type, error["type"]!.GetValue<string>());
    }

    /// <summary>Edges apart by less than the 100 ns a timestamp keeps are still two instants, in order: the window is valid (and holds no message).</summary>
    [Fact]
    public async Task AWindowNarrowerThan100Nanoseconds_IsAWindow()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync();

        var usage = await UsageAsync(workspace, member, "group_by=day&from=2026-11-01T10:00:00.00000051Z&to=2026-11-01T10:00:00.00000059Z");

        Assert.Empty(usage["buckets"]!.AsArray());
    }

    [Fact]
    public async Task FiltersAreCheckedLikeTheList_AndOutsidersGet404()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync();
        var outsider = await (await TestWorkspace.CreateAsync(Factory)).AddMemberAsync(WorkspaceRole.Admin);

        await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by=model&label=nocolon", member.Token()).ExpectValidationErrorAsync("query", "label", 0);
        await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by=model", outsider.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var empty = await UsageAsync(workspace, member, "group_by=day");
        Assert.Empty(empty["buckets"]!.AsArray());
        Assert.Equal("""{"session_count":0,"message_count":0,"input_tokens":0,"output_tokens":0,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"tool_call_count":0,"cost_usd":0}""", empty["totals"]!.ToJsonString());
    }

    /// <summary>
    /// Another user's private session does not exist for an admin or the evaluation service either
    /// (CONTRACT §3, §5.8): its label values and model are no bucket's key, its spend in no total.
    /// </summary>
    [Fact]
    public async Task AnotherUsersPrivateSession_CountsForNoAdminNorTheEvaluationService()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var evaluator = await workspace.AddMemberAsync();
        var secret = (await Client.CreateSessionAsync(workspace, owner, extra: new { model = "x-internal", labels = new { customer = new[] { "acme-secret" } } })).Id();
        await Client.AppendAsync(workspace, owner, secret, new { role = "assistant", content = "a", usage = new { input_tokens = 40, output_tokens = 2, cost_usd = 0.75 } });
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { model = "gpt-4o", visibility = "workspace", labels = new { customer = new[] { "public" } } })).Id();
        await Client.AppendAsync(workspace, owner, shared, new { role = "assistant", content = "b", usage = new { input_tokens = 5, output_tokens = 1, cost_usd = 0.25 } });

        foreach (var token in new[] { admin.Token(), evaluator.Token(Scopes.SessionsRead, Scopes.SessionsEvaluate) })
        {
            foreach (var groupBy in new[] { "model", "label:customer", "user", "day" })
            {
                var answer = await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by={groupBy}", token).ExpectAsync(HttpStatusCode.OK);
                Assert.DoesNotContain("x-internal", answer.ToJsonString(), StringComparison.Ordinal);
                Assert.DoesNotContain("acme-secret", answer.ToJsonString(), StringComparison.Ordinal);
                Assert.Equal(1, answer["totals"]!["session_count"]!.GetValue<long>());
                Assert.Equal(5, answer["totals"]!["input_tokens"]!.GetValue<long>());
                Assert.Equal(0.25m, answer["totals"]!["cost_usd"]!.GetValue<decimal>());
            }
        }

        var own = await UsageAsync(workspace, owner, "group_by=label:customer");
        Assert.Equal(2, own["totals"]!["session_count"]!.GetValue<long>());
        Assert.Contains("acme-secret", own.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The same within windows that cut today: one that ends a minute from now, whose last day is
    /// read from the day's rows less the messages after the window (ADR 0048), and one that starts a
    /// minute ago, whose first day is read from its messages: only sessions the caller can see
    /// count (CONTRACT §5.8), whichever side of a cut day is read.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnotherUsersPrivateSession_CountsInNoWindowThatCutsADay(bool endsNow)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var secret = (await Client.CreateSessionAsync(workspace, owner, extra: new { model = "x-internal", labels = new { customer = new[] { "acme-secret" } } })).Id();
        await Client.AppendAsync(workspace, owner, secret, new { role = "assistant", content = "a", usage = new { input_tokens = 40, output_tokens = 2, cost_usd = 0.75 } });
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { model = "gpt-4o", visibility = "workspace", labels = new { customer = new[] { "public" } } })).Id();
        await Client.AppendAsync(workspace, owner, shared, new { role = "assistant", content = "b", usage = new { input_tokens = 5, output_tokens = 1, cost_usd = 0.25 } });
        static string At(DateTime utc) => Uri.EscapeDataString(utc.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture));
        var window = endsNow
            ? $"&from={At(DateTime.UtcNow.Date.AddDays(-1))}&to={At(DateTime.UtcNow.AddMinutes(1))}"
            : $"&from={At(DateTime.UtcNow.AddMinutes(-1))}";

        foreach (var groupBy in new[] { "model", "label:customer", "user", "day" })
        {
            var answer = await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by={groupBy}{window}", admin.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.DoesNotContain("x-internal", answer.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain("acme-secret", answer.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(1, answer["totals"]!["session_count"]!.GetValue<long>());
            Assert.Equal(5, answer["totals"]!["input_tokens"]!.GetValue<long>());
            Assert.Equal(0.25m, answer["totals"]!["cost_usd"]!.GetValue<decimal>());
        }
    }

    private static Func<WrittenSession, IEnumerable<string?>> KeysOf(string groupBy) => groupBy switch
    {
        "model" => s => [s.Model],
        "agent" => s => [s.Agent],
        "user" => s => [s.OwnerId.ToString()],
        "origin" => s => [s.Origin],
        _ => s => s.Labels.TryGetValue("team", out var values) ? values : new string?[] { null },
    };

    /// <summary>Days ascending; otherwise cost, then tokens, descending.</summary>
    private static void AssertOrdered(string groupBy, JsonArray buckets)
    {
        var keys = buckets.Select(b => b!["key"]?.GetValue<string>()).ToList();
        if (groupBy == "day")
        {
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
            return;
        }

        var ranks = buckets.Select(b => (Cost: b!["cost_usd"]?.GetValue<decimal>(), Tokens: b["input_tokens"]!.GetValue<long>() + b["output_tokens"]!.GetValue<long>() + b["cache_read_input_tokens"]!.GetValue<long>() + b["cache_creation_input_tokens"]!.GetValue<long>())).ToList();
        for (var i = 1; i < ranks.Count; i++)
        {
            if (ranks[i - 1].Cost is { } before && ranks[i].Cost is { } after)
            {
                Assert.True(before > after || (before == after && ranks[i - 1].Tokens >= ranks[i].Tokens), $"bucket {keys[i]} is out of order");
            }
        }
    }

    private Task<JsonObject> UsageAsync(TestWorkspace workspace, TestUser user, string query) =>
        Client.GetAsync($"{workspace.SessionsPath}/usage?{query}", user.Token()).ExpectAsync(HttpStatusCode.OK);

    /// <summary>
    /// Alice's private and shared sessions (one with a generation that has no cost), Bob's private
    /// and shared ones, an evaluation session, one without messages and one rewound: each caller
    /// sees a different part of it.
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var alice = await workspace.AddMemberAsync();
        var bob = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var written = new List<(WrittenSession Session, bool Shared)>();

        async Task Write(TestUser owner, string model, string? agent, string origin, bool shared, Dictionary<string, string[]> labels, params object[] messages)
        {
            var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { model, agent, origin, labels, visibility = shared ? "workspace" : "private" })).Id();
            if (messages.Length > 0)
            {
                await Client.AppendAsync(workspace, owner, id, messages);
            }

            written.Add((new WrittenSession(id, owner.Id, model, agent, origin, labels, []), shared));
        }

        var red = new Dictionary<string, string[]> { ["team"] = ["red"] };
        var redBlue = new Dictionary<string, string[]> { ["team"] = ["red", "blue"], ["env"] = ["prod"] };
        var none = new Dictionary<string, string[]>();
        await Write(alice, "gpt-4o", "coder", "user", false, red,
            new { role = "user", content = "q" },
            new { role = "assistant", content = "a", usage = new { input_tokens = 100, output_tokens = 10, cache_read_input_tokens = 5, cost_usd = 0.125 }, tool_calls = new[] { new { id = "c1", name = "grep", arguments = new { } } } },
            new { role = "tool", content = "r", tool_call_id = "c1" },
            new { role = "assistant", content = "b", usage = new { input_tokens = 200, output_tokens = 20, cache_creation_input_tokens = 7, cost_usd = 0.25 } });
        await Write(alice, "claude", null, "user", false, redBlue,
            new { role = "assistant", content = "x", usage = new { input_tokens = 1000, output_tokens = 100 } });
        await Write(alice, "gpt-4o", "coder", "user", true, none,
            new { role = "assistant", content = "y", usage = new { input_tokens = 3, output_tokens = 1, cost_usd = 0.001 } });
        await Write(bob, "gpt-4o", "writer", "worker", false, redBlue,
            new { role = "assistant", content = "z", usage = new { input_tokens = 50, output_tokens = 5, cost_usd = 0.5 } });
        await Write(bob, "llama", "writer", "user", true, red,
            new { role = "user", content = "hi" },
            new { role = "assistant", content = "hello", usage = new { input_tokens = 7, output_tokens = 2, cost_usd = 0.0000000001 } },
            new { role = "user", content = "again" },
            new { role = "assistant", content = "taken back", usage = new { input_tokens = 70000, output_tokens = 1 } });
        await Write(bob, "gpt-4o", null, "eval", true, red,
            new { role = "assistant", content = "e", usage = new { input_tokens = 9, output_tokens = 9, cost_usd = 2 } });
        await Write(bob, "claude", "planner", "user", true, none);

        // A rewind takes its messages off every sum.
        var rewound = written[^3].Session.Id;
        await Client.PostAsync($"{workspace.SessionPath(rewound)}/rewind", bob.Token(), new { from_seq = 3 }).ExpectAsync(HttpStatusCode.OK);

        var sessions = new List<(WrittenSession Session, bool Shared)>();
        foreach (var (session, shared) in written)
        {
            var owner = session.OwnerId == alice.Id ? alice : bob;
            sessions.Add((session with { Messages = await Client.AllMessagesAsync(workspace, owner, session.Id) }, shared));
        }

        List<WrittenSession> SeenBy(TestUser user) => [.. sessions.Where(s => s.Shared || s.Session.OwnerId == user.Id).Select(s => s.Session)];
        return new World(workspace, alice, bob, admin, SeenBy(alice), SeenBy(bob), SeenBy(admin));
    }

    private sealed record World(TestWorkspace Workspace, TestUser Alice, TestUser Bob, TestUser Admin, List<WrittenSession> SeenByAlice, List<WrittenSession> SeenByBob, List<WrittenSession> SeenByAdmin);

    /// <summary>
    /// Each session's token sums fit 64 bits; a workspace's may not, and CONTRACT §5.8 calls its
    /// sums exact: buckets and totals past 64 bits are answered exactly, as whole numbers, whichever
    /// rows the sums read (the sessions' totals, the day rows, the day rows joined to the sessions a
    /// filter needs). The sums are set in the database: at the 10^12 tokens a message accepts,
    /// getting there takes millions of messages.
    /// </summary>
    [Fact]
    public async Task TokenSumsPast64Bits_AreExact()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        const long Large = 5_000_000_000_000_000_001;
        async Task SessionOfAsync(string model)
        {
            var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { model, labels = new { team = new[] { "red" } } })).Id();
            await Client.AppendAsync(workspace, owner, id, new { role = "assistant", content = "a", usage = new { input_tokens = 1, output_tokens = 1 } });
            await Factory.WithDbAsync(async db =>
            {
                await db.Database.ExecuteSqlAsync($"UPDATE sessions SET total_usage_input_tokens = {Large} WHERE id = {id}");
                await db.Database.ExecuteSqlAsync($"UPDATE session_usage_days SET input_tokens = {Large} WHERE session_id = {id}");
            });
        }

        await SessionOfAsync("a");
        await SessionOfAsync("b");
        await SessionOfAsync("a");
        var yesterday = DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        foreach (var query in new[] { "group_by=model", $"group_by=model&from={yesterday}" })
        {
            var byModel = await UsageAsync(workspace, owner, query);
            Assert.Equal(["a", "b"], byModel["buckets"]!.AsArray().Select(b => b!["key"]!.GetValue<string>()));
            Assert.Equal([2m * Large, Large], byModel["buckets"]!.AsArray().Select(b => b!["input_tokens"]!.GetValue<decimal>()));
            Assert.Equal("15000000000000000003", byModel["totals"]!["input_tokens"]!.ToJsonString());
            Assert.Equal(3, byModel["totals"]!["output_tokens"]!.GetValue<long>());
        }

        foreach (var (query, tokens) in new[] { ("group_by=day", 3m * Large), ("group_by=label:team", 3m * Large), ("group_by=day&model=a", 2m * Large) })
        {
            var usage = await UsageAsync(workspace, owner, query);
            Assert.Equal(tokens, Assert.Single(usage["buckets"]!.AsArray())!["input_tokens"]!.GetValue<decimal>());
            Assert.Equal(tokens, usage["totals"]!["input_tokens"]!.GetValue<decimal>());
        }
    }
}
