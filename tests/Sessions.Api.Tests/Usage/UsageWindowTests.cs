using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure.Persistence.Usage;

namespace Sessions.Api.Tests.Usage;

/// <summary>A clock the tests set: messages are stamped with the time it says.</summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public void Set(DateTime utc) => _now = new DateTimeOffset(utc, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;
}

/// <summary>The service with a clock the tests set, so messages fall on the days a test chooses.</summary>
public sealed class ClockedApiFactory : ApiFactory
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Usage by UTC day and within windows that start and end anywhere in a day, against the transcripts.</summary>
public sealed class UsageWindowTests(ClockedApiFactory factory) : ApiTest<ClockedApiFactory>(factory), IClassFixture<ClockedApiFactory>
{
    private static readonly DateTime Day1 = DateTime.UtcNow.Date.AddDays(1);
    public static TheoryData<string?, string?> Windows => new()
    {
        { null, null },
        { "1T00:00:00Z", "4T00:00:00Z" },
        { "1T12:00:00Z", "3T00:00:00Z" },
        { "1T00:00:00Z", "1T11:00:00Z" },
        { "1T22:00:00Z", "2T02:00:00Z" },
        { "1T10:00:00Z", "1T10:00:00.000001Z" },
        { "1T10:00:00.0000005Z", "1T11:00:00Z" },
        { "1T09:00:00Z", "1T10:00:00.0000005Z" },
        { "1T10:00:00.0000001Z", "1T10:00:00.0000002Z" },
        { "2T00:30:00+01:00", "3T13:00:00Z" },
        { "2T00:00:00Z", null },
        { null, "2T01:00:00Z" },
        { "3T12:00:01Z", null },

        // Edges where the rest of the day is read and taken off its rows (the clock stands at
        // 3T12:00 after the writes): a session whose messages of the edge day all lie in the rest
        // (1T10:00, 2T13:00, 3T12:00) is not counted there.
        { "1T11:00:00Z", "3T00:00:00Z" },
        { "1T00:00:00Z", "2T12:30:00Z" },
        { "2T00:00:00Z", "3T08:00:00Z" },
        { "1T03:00:00Z", "2T22:00:00Z" },
        { "1T23:30:00Z", "3T12:00:00.0000001Z" },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public async Task ByDay_AndByModel_WithinTheWindow_EqualTheTranscripts(string? from, string? to)
    {
        var (workspace, owner, sessions) = await WriteAcrossDaysAsync();
        var window = $"{(from is null ? string.Empty : $"&from={Uri.EscapeDataString(At(from))}")}{(to is null ? string.Empty : $"&to={Uri.EscapeDataString(At(to))}")}";
        var lower = from is null ? DateTime.MinValue : DateTimeOffset.Parse(At(from), CultureInfo.InvariantCulture).UtcDateTime;
        var upper = to is null ? DateTime.MaxValue : DateTimeOffset.Parse(At(to), CultureInfo.InvariantCulture).UtcDateTime;
        bool Within(JsonObject message) => ExpectedUsage.CreatedAt(message) >= lower && ExpectedUsage.CreatedAt(message) < upper;

        var byDay = await UsageAsync(workspace, owner, $"group_by=day{window}");
        var byModel = await UsageAsync(workspace, owner, $"group_by=model{window}");

        Assert.Equal(ExpectedUsage.ByDay(sessions, Within).OrderBy(b => b.Key, StringComparer.Ordinal), Answered(byDay));
        var expectedByModel = from is null && to is null
            ? ExpectedUsage.Buckets(sessions, s => [s.Model], Within)
            : ExpectedUsage.Buckets(sessions.Where(s => s.Messages.Any(Within)), s => [s.Model], Within);
        Assert.Equal(expectedByModel.OrderBy(b => b.Key, StringComparer.Ordinal), Answered(byModel));
        var counted = sessions.Select(s => (s, s.Messages.Where(Within).ToList()));
        var totals = ExpectedUsage.Figures(counted, countEmpty: from is null && to is null);
        Assert.Equal(totals, ExpectedUsage.Answered(byDay["totals"]!));
        Assert.Equal(totals, ExpectedUsage.Answered(byModel["totals"]!));
    }

    [Fact]
    public async Task ARewindAcrossDays_TakesItsMessagesOffEachDay()
    {
        var (workspace, owner, sessions) = await WriteAcrossDaysAsync();
        var spanning = sessions.Single(s => s.Model == "gpt-4o");
        var firstOfDay2 = spanning.Messages.First(m => ExpectedUsage.CreatedAt(m).Date == Day1.AddDays(1) && m["role"]!.GetValue<string>() == "user");

        await Client.PostAsync($"{workspace.SessionPath(spanning.Id)}/rewind", Token(owner), new { from_seq = firstOfDay2["seq"]!.GetValue<long>() }).ExpectAsync(HttpStatusCode.OK);

        var after = sessions.Select(s => s.Id == spanning.Id ? s with { Messages = [.. s.Messages.Where(m => m["seq"]!.GetValue<long>() < firstOfDay2["seq"]!.GetValue<long>())] } : s).ToList();
        var stored = await ReadAllAsync(workspace, owner, spanning.Id);
        Assert.Equal(after.Single(s => s.Id == spanning.Id).Messages.Count, stored.Count);
        Assert.Equal(ExpectedUsage.ByDay(after, _ => true).OrderBy(b => b.Key, StringComparer.Ordinal), Answered(await UsageAsync(workspace, owner, "group_by=day")));
        Assert.Equal(
            ExpectedUsage.ByDay(after, m => ExpectedUsage.CreatedAt(m) >= Day1.AddHours(12)).OrderBy(b => b.Key, StringComparer.Ordinal),
            Answered(await UsageAsync(workspace, owner, $"group_by=day&from={Day1.AddHours(12):yyyy-MM-ddTHH:mm:ssZ}")));
    }

    private static string At(string dayAndTime) => $"{Day1.AddDays(int.Parse(dayAndTime[..1], CultureInfo.InvariantCulture) - 1):yyyy-MM-dd}{dayAndTime[1..]}";

    private static IEnumerable<KeyValuePair<string, string>> Answered(JsonObject answer) =>
        answer["buckets"]!.AsArray()
            .Select(b => KeyValuePair.Create(b!["key"]?.GetValue<string>() ?? "null", ExpectedUsage.Answered(b)))
            .OrderBy(b => b.Key, StringComparer.Ordinal);

    private Task<JsonObject> UsageAsync(TestWorkspace workspace, TestUser user, string query) =>
        Client.GetAsync($"{workspace.SessionsPath}/usage?{query}", Token(user)).ExpectAsync(HttpStatusCode.OK);

    /// <summary>Tokens outlive the days the clock moves through.</summary>
    private static string Token(TestUser user) => TestTokens.Create(user.Id, TestUser.ReadWrite, user.Email, expires: DateTime.UtcNow.AddDays(10));

    /// <summary>
    /// Three sessions whose messages fall on three consecutive UTC days, at hours the windows cut
    /// between: 10:00 and 23:00 on day 1, 01:00 and 13:00 on day 2, 12:00 on day 3.
    /// </summary>
    private async Task<(TestWorkspace Workspace, TestUser Owner, List<WrittenSession> Sessions)> WriteAcrossDaysAsync()
    {
        Factory.Clock.Set(Day1.AddHours(9));
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var models = new[] { "gpt-4o", "claude", "llama" };
        var ids = new List<Guid>();
        foreach (var model in models)
        {
            var created = await Client.PostAsync(workspace.SessionsPath, Token(owner), new { id = Guid.NewGuid(), model });
            ids.Add(Guid.Parse((await created.ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>()));
        }

        var at = new[] { Day1.AddHours(10), Day1.AddHours(23), Day1.AddDays(1).AddHours(1), Day1.AddDays(1).AddHours(13), Day1.AddDays(2).AddHours(12) };
        for (var i = 0; i < at.Length; i++)
        {
            Factory.Clock.Set(at[i]);
            foreach (var (id, s) in ids.Select((id, s) => (id, s)).Where(p => (p.s + i) % 3 != 2))
            {
                var usage = new { input_tokens = 10 * (i + 1) + s, output_tokens = i + 1, cache_read_input_tokens = s, cost_usd = (i + s) % 4 == 3 ? (decimal?)null : 0.01m * (i + 1) };
                var response = await Client.PostAsync($"{workspace.SessionPath(id)}/transcript", Token(owner), new
                {
                    messages = new object[]
                    {
                        new { role = "user", content = $"question {i}" },
                        new { role = "assistant", content = $"answer {i}", usage, tool_calls = new[] { new { id = $"c{i}", name = "run", arguments = new { } } } },
                    },
                });
                await response.ExpectAsync(HttpStatusCode.OK);
            }
        }

        var sessions = new List<WrittenSession>();
        foreach (var (id, model) in ids.Zip(models))
        {
            var messages = await ReadAllAsync(workspace, owner, id);
            sessions.Add(new WrittenSession(id, owner.Id, model, null, "user", new Dictionary<string, string[]>(), messages));
        }

        Assert.Equal(at, sessions.SelectMany(s => s.Messages).Select(ExpectedUsage.CreatedAt).Distinct().Order());
        return (workspace, owner, sessions);
    }

    private async Task<List<JsonObject>> ReadAllAsync(TestWorkspace workspace, TestUser owner, Guid id)
    {
        var page = await Client.GetAsync($"{workspace.SessionPath(id)}/transcript?include_compacted=true&limit=500", Token(owner)).ExpectAsync(HttpStatusCode.OK);
        return [.. page["messages"]!.AsArray().Select(m => m!.AsObject())];
    }
}

/// <summary>Which part of a day an edge cuts is read message by message.</summary>
public sealed class UsageEdgeTests
{
    private static readonly DateTime Day = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(3, true, 30, true)]
    [InlineData(13, true, 30, false)]
    [InlineData(12, true, 30, false)]
    [InlineData(21, false, 30, true)]
    [InlineData(11, false, 30, false)]
    [InlineData(12, false, 30, false)]
    [InlineData(8, false, 12, true)]
    [InlineData(8, false, 16, false)]
    [InlineData(10, false, 10, true)]
    [InlineData(10, true, 10, false)]
    public void TheRestIsRead_WhenItSpansLessTimeUpToNow(int cutHour, bool edgeIsTheStart, int nowHour, bool readsTheRest) =>
        Assert.Equal(readsTheRest, UsageReadStore.ReadsTheRest(Day, Day.AddHours(cutHour), edgeIsTheStart, Day.AddHours(nowHour)));
}
