using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

[Collection(SharedApiCollection.Name)]
public sealed class ListSessionsTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task List_Default_ShowsOwnAndSharedActiveNonEvalSessionsNewestFirst()
    {
        var (workspace, me, other) = await SetUpAsync();
        var mine = await Create(workspace, me, new { title = "mine" });
        var shared = await Create(workspace, other, new { title = "shared", visibility = "workspace" });
        await Create(workspace, other, new { title = "other's private" });
        var archived = await Create(workspace, me, new { title = "archived" });
        await Client.PostAsync(workspace.SessionPath(archived) + "/archive", me.Token());
        await Create(workspace, me, new { title = "eval", origin = "eval" });

        var page = await ListAsync(workspace, me, string.Empty);

        Assert.Equal([shared, mine], Ids(page));
        Assert.Equal(2, page["total"]!.GetValue<int>());
        Assert.Equal(1, page["page"]!.GetValue<int>());
        Assert.Equal(20, page["limit"]!.GetValue<int>());
        Assert.Equal(1, page["total_pages"]!.GetValue<int>());
        Assert.False(page["has_next"]!.GetValue<bool>());
        Assert.False(page["has_previous"]!.GetValue<bool>());
    }

    [Fact]
    public async Task List_EachFilterAlone_NarrowsToItsMatches()
    {
        var (workspace, me, other) = await SetUpAsync();
        var project = Guid.NewGuid();
        var a = await Create(workspace, me, new { agent = "coder", model = "gpt-4o", project_id = project, labels = new Dictionary<string, string[]> { ["team"] = ["red"] } });
        var b = await Create(workspace, me, new { agent = "writer", model = "claude", origin = "worker" });
        var c = await Create(workspace, other, new { agent = "coder", model = "claude", visibility = "workspace", labels = new Dictionary<string, string[]> { ["team"] = ["blue"] } });

        Assert.Equal([a], Ids(await ListAsync(workspace, me, $"project_id={project}")));
        Assert.Equal(Sorted(a, c), Sorted(Ids(await ListAsync(workspace, me, "agent=coder"))));
        Assert.Equal(Sorted(b, c), Sorted(Ids(await ListAsync(workspace, me, "model=claude"))));
        Assert.Equal([b], Ids(await ListAsync(workspace, me, "origin=worker")));
        Assert.Equal([c], Ids(await ListAsync(workspace, me, "label=team:blue")));
        Assert.Equal([c], Ids(await ListAsync(workspace, me, $"user_id={other.Id}")));
        Assert.Equal(Sorted(a, b, c), Sorted(Ids(await ListAsync(workspace, me, $"user={other.Id}&user={me.Id}"))));
        Assert.Equal(Sorted(a, b), Sorted(Ids(await ListAsync(workspace, me, "origin=user&origin=worker&user_id=" + me.Id))));
        Assert.Equal(Sorted(a, b, c), Sorted(Ids(await ListAsync(workspace, me, "agent=coder&agent=writer"))));
        Assert.Equal(Sorted(a, b, c), Sorted(Ids(await ListAsync(workspace, me, "model=claude&model=gpt-4o"))));
        Assert.Equal([a], Ids(await ListAsync(workspace, me, "model=gpt-4o&model=nothing")));
    }

    /// <summary><c>user_id</c> and <c>user</c> are different parameters, so they combine with AND (CONTRACT 5.4): together, the owners both name.</summary>
    [Fact]
    public async Task List_UserIdAndUser_CombineWithAnd()
    {
        var (workspace, me, other) = await SetUpAsync();
        var mine = await Create(workspace, me);
        var theirs = await Create(workspace, other, new { visibility = "workspace" });

        Assert.Equal(Sorted(mine, theirs), Sorted(Ids(await ListAsync(workspace, me, $"user_id={other.Id}&user_id={me.Id}"))));
        Assert.Equal([theirs], Ids(await ListAsync(workspace, me, $"user_id={other.Id}&user={other.Id}&user={me.Id}")));
        Assert.Equal([mine], Ids(await ListAsync(workspace, me, $"user_id={other.Id}&user_id={me.Id}&user={me.Id}")));
        Assert.Empty(Ids(await ListAsync(workspace, me, $"user_id={other.Id}&user={me.Id}")));
    }

    [Fact]
    public async Task List_Labels_OrWithinAKey_AndAcrossKeys()
    {
        var (workspace, me, _) = await SetUpAsync();
        var a1x = await Create(workspace, me, new { labels = Labels(("a", "1"), ("b", "x")) });
        var a2x = await Create(workspace, me, new { labels = Labels(("a", "2"), ("b", "x")) });
        await Create(workspace, me, new { labels = Labels(("a", "1"), ("b", "y")) });
        await Create(workspace, me, new { labels = Labels(("a", "3"), ("b", "x")) });
        await Create(workspace, me, new { labels = Labels(("b", "x")) });

        var page = await ListAsync(workspace, me, "label=a:1&label=a:2&label=b:x");

        Assert.Equal(Sorted(a1x, a2x), Sorted(Ids(page)));
    }

    /// <summary>A key may begin with a colon (CONTRACT §5.2's key characters): such a label filters like any other, as the facets offer it.</summary>
    [Fact]
    public async Task List_LabelKeysBeginningWithAColon_Filter()
    {
        var (workspace, me, _) = await SetUpAsync();
        var colonKey = await Create(workspace, me, new { labels = Labels((":a", "b")) });
        var colons = await Create(workspace, me, new { labels = Labels(("::", "x")) });
        await Create(workspace, me, new { labels = Labels(("a", "b")) });

        Assert.Equal([colonKey], Ids(await ListAsync(workspace, me, "label=" + Uri.EscapeDataString(":a:b"))));
        Assert.Equal([colons], Ids(await ListAsync(workspace, me, "label=" + Uri.EscapeDataString(":::x"))));
        await Client.GetAsync($"{workspace.SessionsPath}?label={Uri.EscapeDataString(":b")}", me.Token()).ExpectValidationErrorAsync("query", "label", 0);
        await Client.GetAsync($"{workspace.SessionsPath}?label={Uri.EscapeDataString("a:")}", me.Token()).ExpectValidationErrorAsync("query", "label", 0);
    }

    /// <summary>
    /// An empty agent is no agent: created with one, a session has none, no facet offers a value
    /// the list's filter would refuse, and a PATCH with an empty agent clears it. Sessions stored
    /// with an empty agent before lose it, with the facet count kept for it, when migrated.
    /// </summary>
    [Fact]
    public async Task AnEmptyAgent_IsNoAgent_InAnswersFacetsAndChanges_AndAfterTheMigration()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var me = await workspace.AddMemberAsync();
        var empty = (await client.CreateSessionAsync(workspace, me, extra: new { agent = "" }))["agent"];
        var named = (await client.CreateSessionAsync(workspace, me, extra: new { agent = "coder" })).Id();
        async Task<string> AgentsAsync() =>
            (await (await client.GetAsync($"{workspace.SessionsPath}/facets", me.Token())).ExpectAsync(HttpStatusCode.OK))["agents"]!.ToJsonString();

        Assert.Null(empty);
        Assert.Equal("""[{"value":"coder","count":1}]""", await AgentsAsync());
        var cleared = await (await client.SendAsync(HttpMethod.Patch, workspace.SessionPath(named), me.Token(), new { agent = "" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(cleared["agent"]);
        Assert.Equal("[]", await AgentsAsync());

        // As an instance from before the change stored it: an empty agent, counted as a facet value.
        var (before, agents) = await host.WithDbAsync(async db =>
        {
            await db.Sessions.Where(s => s.Id == named).ExecuteUpdateAsync(set => set.SetProperty(s => s.Agent, ""));
            var origin = await db.SessionCounts.FirstAsync(c => c.WorkspaceId == workspace.WorkspaceId && c.Dimension == "origin");
            db.SessionCounts.Add(new() { WorkspaceId = origin.WorkspaceId, OwnerId = origin.OwnerId, Shared = origin.Shared, Archived = origin.Archived, Origin = origin.Origin, Dimension = "agent", Key = "", Value = "", Count = 1 });
            await db.SaveChangesAsync();
            return (await db.Sessions.CountAsync(s => s.Agent == ""), await AgentsAsync());
        });
        Assert.Equal((1, """[{"value":"","count":1}]"""), (before, agents));

        await host.RunMigrationAgainAsync("_EmptyAgentIsNone");

        Assert.Equal("[]", await AgentsAsync());
        Assert.Null((await (await client.GetAsync(workspace.SessionPath(named), me.Token())).ExpectAsync(HttpStatusCode.OK))["agent"]);
    }

    [Fact]
    public async Task List_ValuesOfOneKey_CombineWithOr_WhenAValueHoldsAColon()
    {
        var (workspace, me, _) = await SetUpAsync();
        var nginx = await Create(workspace, me, new { labels = Labels(("image", "nginx:1.25")) });
        var redis = await Create(workspace, me, new { labels = Labels(("image", "redis"), ("team", "red")) });
        await Create(workspace, me, new { labels = Labels(("image", "postgres:15"), ("team", "red")) });

        Assert.Equal(Sorted(nginx, redis), Sorted(Ids(await ListAsync(workspace, me, "label=image:nginx:1.25&label=image:redis"))));
        Assert.Equal([redis], Ids(await ListAsync(workspace, me, "label=image:nginx:1.25&label=image:redis&label=team:red")));
        var facets = await (await Client.GetAsync($"{workspace.SessionsPath}/facets?label=image:nginx:1.25&label=image:redis", me.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""[{"value":"nginx:1.25","count":1},{"value":"redis","count":1}]""", facets["labels"]!["image"]!.ToJsonString());
    }

    [Fact]
    public async Task List_LabelKeysWithColons_AreMatchedExactly_AndDifferentKeysStillCombineWithAnd()
    {
        var (workspace, me, _) = await SetUpAsync();
        var both = await Create(workspace, me, new { labels = Labels(("k8s:ns", "prod"), ("k8s:pod", "x")) });
        await Create(workspace, me, new { labels = Labels(("k8s:ns", "prod")) });
        await Create(workspace, me, new { labels = Labels(("k8s", "ns:prod")) });

        Assert.Equal([both], Ids(await ListAsync(workspace, me, "label=k8s:ns:prod&label=k8s:pod:x")));
        Assert.Equal(3, Ids(await ListAsync(workspace, me, "label=k8s:ns:prod")).Count);
    }

    [Fact]
    public async Task List_Search_IsCaseInsensitiveOverTitleModelAgentAndLabels_WithLiteralWildcards()
    {
        var (workspace, me, _) = await SetUpAsync();
        var title = await Create(workspace, me, new { title = "Fix the PARSER" });
        var model = await Create(workspace, me, new { model = "parser-model-7" });
        var agent = await Create(workspace, me, new { agent = "ParserBot" });
        var label = await Create(workspace, me, new { labels = Labels(("kind", "parser")) });
        var percent = await Create(workspace, me, new { title = "100% done_now" });
        var bracketed = await Create(workspace, me, new { title = "[draft] plan" });
        await Create(workspace, me, new { title = "unrelated" });

        Assert.Equal(Sorted(title, model, agent, label), Sorted(Ids(await ListAsync(workspace, me, "search=parser"))));
        Assert.Equal([label], Ids(await ListAsync(workspace, me, "search=kind%3Apars")));
        Assert.Equal([percent], Ids(await ListAsync(workspace, me, "search=100%25")));
        Assert.Equal([percent], Ids(await ListAsync(workspace, me, "search=e_n")));
        Assert.Empty(Ids(await ListAsync(workspace, me, "search=0%25%25")));
        Assert.Equal([bracketed], Ids(await ListAsync(workspace, me, "search=%5Bdraft%5D")));
        Assert.Empty(Ids(await ListAsync(workspace, me, "search=%5Bu%5D")));
    }

    /// <summary>
    /// Search folds every letter's case on every database (CONTRACT 5.4), not only ASCII's: on SQLite
    /// the trigram index's MATCH narrows and a GLOB of each letter's cases decides; short texts and
    /// scripts whose cases the index's folding does not pair use the GLOB alone, in which GLOB's own
    /// wildcards and FTS5's quote are literal. Letters are not stripped of their accents. The other
    /// texts of the workspace are the near misses.
    /// </summary>
    [Fact]
    public async Task List_Search_FoldsTheCaseOfEveryLetter()
    {
        var (workspace, me, _) = await SetUpAsync();
        var title = await Create(workspace, me, new { title = "École de nuit" });
        var label = await Create(workspace, me, new { labels = Labels(("city", "Über")) });
        var cyrillic = await Create(workspace, me, new { title = "ПРИВЕТ мир" });
        var wildcards = await Create(workspace, me, new { title = "Ä*[b]?\"q\"" });
        var greek = await Create(workspace, me, new { title = "Λόγος" });
        await Create(workspace, me, new { title = "ΛΌΓΟΣ" });
        var georgian = await Create(workspace, me, new { title = "ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ" });
        var sharp = await Create(workspace, me, new { title = "STRAẞE" });
        var dotted = await Create(workspace, me, new { title = "İstanbul" });
        await Create(workspace, me, new { title = "ecole uber privet" });

        async Task<IReadOnlyList<Guid>> Found(string search) =>
            Ids(await ListAsync(workspace, me, "search=" + Uri.EscapeDataString(search)));

        Assert.Equal([title], await Found("École"));
        Assert.Equal([title], await Found("école"));
        Assert.Equal([title], await Found("ÉCOLE DE"));
        Assert.Equal([title], await Found("é"));
        Assert.Equal([label], await Found("über"));
        Assert.Equal([label], await Found("CITY:Ü"));
        Assert.Equal([label], await Found("ü"));
        Assert.Equal([cyrillic], await Found("привет"));
        Assert.Equal([cyrillic], await Found("т М"));
        Assert.Equal([wildcards], await Found("ä*"));
        Assert.Equal([wildcards], await Found("ä*[B]?\"Q\""));
        Assert.Empty(await Found("ä?"));
        Assert.Empty(await Found("äb"));
        Assert.Empty(await Found("*ä"));
        Assert.Empty(await Found("[ä"));

        // A letter matches the letters that lower as it does, no more: ΛΌΓΟΣ lowers to λόγοσ, which
        // the index's folding would take for λόγος; no fewer: the index's folding predates the
        // Georgian capitals, and ß has a capital of its own but no upper case in .NET's sense.
        Assert.Equal([greek], await Found("λόγος"));
        Assert.Equal([georgian], await Found("საქართველო"));
        Assert.Equal([georgian], await Found("ს"));
        Assert.Equal([sharp], await Found("straße"));

        // .NET keeps İ as it is when lowering, glibc lowers it to i: typed as stored, it is found
        // because the database lowers the search text as it lowers what it searches.
        Assert.Equal([dotted], await Found("İstanbul"));
    }

    /// <summary>
    /// Model and agent are searched beyond ASCII as titles are, and the search follows a PATCH of
    /// each (and of the title and labels): the new text is found in any case, the old one no more.
    /// </summary>
    [Fact]
    public async Task List_SearchBeyondAscii_FollowsAPatchOfModelAgentTitleAndLabels()
    {
        var (workspace, me, _) = await SetUpAsync();
        var id = await Create(workspace, me, new { model = "Модель-Один", agent = "Ágent-Ünö", title = "Première", labels = Labels(("ville", "Genève")) });
        await Create(workspace, me, new { title = "модель агент agent premiere" });

        async Task<IReadOnlyList<Guid>> Found(string search) =>
            Ids(await ListAsync(workspace, me, "search=" + Uri.EscapeDataString(search)));

        Assert.Equal([id], await Found("модель-один"));
        Assert.Equal([id], await Found("ÁGENT-ÜNÖ"));
        Assert.Equal([id], await Found("première"));
        Assert.Equal([id], await Found("genève"));

        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(id), me.Token(), new { model = "Μοντέλο-Δύο", agent = "Агент-Два", title = "Zweite Straße", labels = Labels(("ville", "Zürich")) }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([id], await Found("μοντέλο-δύο"));
        Assert.Equal([id], await Found("агент-два"));
        Assert.Equal([id], await Found("ZWEITE STRAẞE"));
        Assert.Equal([id], await Found("ZÜRICH"));
        foreach (var old in new[] { "модель-один", "ágent-ünö", "première", "genève" })
        {
            Assert.Empty(await Found(old));
        }
    }

    [Theory]
    [InlineData("", new[] { "active" })]
    [InlineData("archived=active", new[] { "active" })]
    [InlineData("archived=archived", new[] { "archived" })]
    [InlineData("archived=any", new[] { "active", "archived" })]
    public async Task List_Archived_SelectsByLifecycle(string query, string[] titles)
    {
        var (workspace, me, _) = await SetUpAsync();
        await Create(workspace, me, new { title = "active" });
        var archived = await Create(workspace, me, new { title = "archived" });
        await Client.PostAsync(workspace.SessionPath(archived) + "/archive", me.Token());

        var page = await ListAsync(workspace, me, query);

        Assert.Equal(titles, page["sessions"]!.AsArray().Select(s => s!["title"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task List_EvalSessions_HiddenUnlessWorkloadSessionsAreIncluded()
    {
        var (workspace, me, _) = await SetUpAsync();
        var eval = await Create(workspace, me, new { origin = "eval" });
        var user = await Create(workspace, me);

        Assert.Equal([user], Ids(await ListAsync(workspace, me, string.Empty)));
        Assert.Empty(Ids(await ListAsync(workspace, me, "origin=eval")));
        Assert.Equal([eval], Ids(await ListAsync(workspace, me, "origin=eval&include_workload_sessions=true")));
        Assert.Equal(Sorted(eval, user), Sorted(Ids(await ListAsync(workspace, me, "include_workload_sessions=true"))));
    }

    [Fact]
    public async Task List_ThreePagesWithTiesInTheSortKey_CoverEverySessionOnce()
    {
        var (workspace, me, _) = await SetUpAsync();
        var all = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            all.Add(await Create(workspace, me, new { message_count = i < 6 ? 5 : 9 }));
        }

        var seen = new List<Guid>();
        for (var page = 1; page <= 3; page++)
        {
            var body = await ListAsync(workspace, me, $"sort_by=message_count&sort_dir=asc&limit=3&page={page}");
            seen.AddRange(Ids(body));
            Assert.Equal(8, body["total"]!.GetValue<int>());
            Assert.Equal(3, body["total_pages"]!.GetValue<int>());
            Assert.Equal(page < 3, body["has_next"]!.GetValue<bool>());
            Assert.Equal(page > 1, body["has_previous"]!.GetValue<bool>());
        }

        Assert.Equal(8, seen.Distinct().Count());
        Assert.Equal(Sorted(all), Sorted(seen));
        var fourth = await ListAsync(workspace, me, "sort_by=message_count&limit=3&page=4");
        Assert.Empty(Ids(fourth));
        Assert.Equal(8, fourth["total"]!.GetValue<int>());
    }

    /// <summary>
    /// A label filter in the default order or another one an index walks (CONTRACT §5.4; ADRs 0056,
    /// 0057), read page by page in either direction: each visible session with the label comes once,
    /// in the order's key (sessions without messages last by the last message's), and another
    /// member's private session with the label never does.
    /// </summary>
    [Theory]
    [InlineData(null, "desc")]
    [InlineData(null, "asc")]
    [InlineData("created_at", "desc")]
    [InlineData("created_at", "asc")]
    [InlineData("message_count", "desc")]
    [InlineData("message_count", "asc")]
    [InlineData("last_message_at", "desc")]
    [InlineData("last_message_at", "asc")]
    public async Task List_LabelPagesInAnIndexedOrder_CoverEveryVisibleMatchOnce(string? sortBy, string direction)
    {
        var (workspace, me, other) = await SetUpAsync();
        var red = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            red.Add(await Create(workspace, me, new { message_count = 8 - i, labels = Labels(("team", "red")) }));
            if (i % 2 == 0)
            {
                await Create(workspace, me, new { message_count = 10 + i, labels = Labels(("team", "blue")) });
            }
        }

        red.Add(await Create(workspace, other, new { visibility = "workspace", message_count = 7, labels = Labels(("team", "red")) }));
        var hidden = await Create(workspace, other, new { message_count = 8, labels = Labels(("team", "red")) });

        // Three of the visible matches have messages, and so has the hidden one. In the order of the
        // last message the six without come last either way: the second page holds one of each
        // kind, and reaches four of the six without (the rest are left to later pages).
        foreach (var (session, author) in new[] { (red[1], me), (red[3], me), (red[8], other), (hidden, other) })
        {
            var messages = new[] { new { role = "user", content = "hello" } };
            await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", author.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);
        }

        var order = sortBy is null ? string.Empty : $"&sort_by={sortBy}";
        var seen = new List<JsonNode>();
        for (var page = 1; page <= 5; page++)
        {
            var body = await ListAsync(workspace, me, $"label=team:red{order}&sort_dir={direction}&limit=2&page={page}");
            seen.AddRange(body["sessions"]!.AsArray().Select(s => s!));
            Assert.Equal(red.Count, body["total"]!.GetValue<int>());
        }

        Assert.Equal(Sorted(red), Sorted(seen.Select(s => Guid.Parse(s["id"]!.GetValue<string>()))));
        var keys = seen.Select(s => sortBy == "message_count" ? s["message_count"]!.GetValue<long>() : s[sortBy ?? "updated_at"]?.GetValue<DateTimeOffset>().UtcTicks).ToList();
        var set = keys.TakeWhile(key => key is not null).ToList();
        Assert.Equal(direction == "desc" ? [.. set.OrderDescending()] : [.. set.Order()], set);
        if (sortBy == "last_message_at")
        {
            // Those without messages by their ids, in the order's direction (a uuid's order on
            // PostgreSQL and the text's on SQLite are the ordinal order of its lowercase text).
            Assert.Equal(3, set.Count);
            var rest = seen.Skip(set.Count).Select(s => s["id"]!.GetValue<string>()).ToList();
            Assert.Equal(direction == "desc" ? [.. rest.OrderDescending(StringComparer.Ordinal)] : [.. rest.Order(StringComparer.Ordinal)], rest);
        }
        else
        {
            Assert.Equal(red.Count, set.Count);
        }
    }

    /// <summary>
    /// A full first page of the default size (on PostgreSQL the one page whose limit is written into
    /// its statement, ADR 0036) answers the same as the same page asked for explicitly: the twenty
    /// newest sessions, the whole listing's total and a next page, which holds the rest.
    /// </summary>
    [Fact]
    public async Task List_AFullFirstPageOfTheDefaultSize_PagesLikeAnyOther()
    {
        var (workspace, me, _) = await SetUpAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 21; i++)
        {
            created.Add(await Create(workspace, me));
        }

        var first = await ListAsync(workspace, me, string.Empty);
        Assert.Equal("""{"total":21,"page":1,"limit":20,"total_pages":2,"has_next":true,"has_previous":false}""", Paging(first));
        Assert.Equal(Paging(first), Paging(await ListAsync(workspace, me, "limit=20&page=1")));
        Assert.Equal(Ids(first), Ids(await ListAsync(workspace, me, "limit=20&page=1")));
        var second = await ListAsync(workspace, me, "page=2");
        Assert.Equal("""{"total":21,"page":2,"limit":20,"total_pages":2,"has_next":false,"has_previous":true}""", Paging(second));
        Assert.Equal(Enumerable.Reverse(created), [.. Ids(first), .. Ids(second)]);
    }

    /// <summary>
    /// In the order of the last message a full first page of the default size (on PostgreSQL its
    /// two walks carry the limit written into their statements, ADR 0057) answers as the same page
    /// asked for explicitly, across both parts: the sessions with messages by their last message,
    /// then those without by id, in either direction, each session once over the two pages.
    /// </summary>
    [Theory]
    [InlineData("desc")]
    [InlineData("asc")]
    public async Task List_AFullFirstPageInTheOrderOfTheLastMessage_PagesLikeAnyOther(string direction)
    {
        var (workspace, me, _) = await SetUpAsync();
        var withMessages = new List<Guid>();
        var without = new List<Guid>();
        for (var i = 0; i < 24; i++)
        {
            (i % 2 == 0 ? withMessages : without).Add(await Create(workspace, me));
        }

        foreach (var session in withMessages)
        {
            var messages = new[] { new { role = "user", content = "hello" } };
            await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", me.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);
        }

        var order = $"sort_by=last_message_at&sort_dir={direction}";
        var first = await ListAsync(workspace, me, order);
        Assert.Equal("""{"total":24,"page":1,"limit":20,"total_pages":2,"has_next":true,"has_previous":false}""", Paging(first));
        Assert.Equal(Ids(first), Ids(await ListAsync(workspace, me, order + "&limit=20&page=1")));
        var second = await ListAsync(workspace, me, order + "&page=2");
        var byId = without.OrderBy(id => id.ToString(), StringComparer.Ordinal);
        List<Guid> expected = direction == "desc"
            ? [.. Enumerable.Reverse(withMessages), .. byId.Reverse()]
            : [.. withMessages, .. byId];
        Assert.Equal(expected, [.. Ids(first), .. Ids(second)]);
    }

    /// <summary>
    /// The paging fields of an empty listing and of a page past the last: no sessions, the real
    /// total and page count, no next page, a previous one only past the first.
    /// </summary>
    [Fact]
    public async Task List_EmptyAndPastTheLastPage_AnswerTheirPaging()
    {
        var (workspace, me, _) = await SetUpAsync();
        var empty = await ListAsync(workspace, me, string.Empty);
        Assert.Equal("""{"total":0,"page":1,"limit":20,"total_pages":0,"has_next":false,"has_previous":false}""", Paging(empty));
        Assert.Empty(Ids(empty));

        for (var i = 0; i < 3; i++)
        {
            await Create(workspace, me);
        }

        var past = await ListAsync(workspace, me, "limit=2&page=5");
        Assert.Equal("""{"total":3,"page":5,"limit":2,"total_pages":2,"has_next":false,"has_previous":true}""", Paging(past));
        Assert.Empty(Ids(past));
        var last = await ListAsync(workspace, me, "limit=2&page=2");
        Assert.Equal("""{"total":3,"page":2,"limit":2,"total_pages":2,"has_next":false,"has_previous":true}""", Paging(last));
        Assert.Single(Ids(last));
    }

    [Fact]
    public async Task List_SortsByEachKeyInEachDirection()
    {
        var (workspace, me, _) = await SetUpAsync();
        var first = await Create(workspace, me, new { message_count = 1 });
        var second = await Create(workspace, me, new { message_count = 3 });
        var third = await Create(workspace, me, new { message_count = 2 });
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(first), me.Token(), new { title = "touched" });

        Assert.Equal([first, third, second], Ids(await ListAsync(workspace, me, string.Empty)));
        Assert.Equal([second, third, first], Ids(await ListAsync(workspace, me, "sort_by=updated_at&sort_dir=asc")));
        Assert.Equal([first, second, third], Ids(await ListAsync(workspace, me, "sort_by=created_at&sort_dir=asc")));
        Assert.Equal([third, second, first], Ids(await ListAsync(workspace, me, "sort_by=created_at")));
        Assert.Equal([second, third, first], Ids(await ListAsync(workspace, me, "sort_by=message_count")));
        Assert.Equal([first, third, second], Ids(await ListAsync(workspace, me, "sort_by=message_count&sort_dir=asc")));
        Assert.Equal(3, Ids(await ListAsync(workspace, me, "sort_by=last_message_at")).Count);

        // Sessions without messages come last in both directions.
        foreach (var id in new[] { second, first })
        {
            var messages = new[] { new { id = Guid.NewGuid(), role = "user", content = "hello" } };
            await (await Client.PostAsync(workspace.SessionPath(id) + "/transcript", me.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);
        }

        Assert.Equal([first, second, third], Ids(await ListAsync(workspace, me, "sort_by=last_message_at")));
        Assert.Equal([second, first, third], Ids(await ListAsync(workspace, me, "sort_by=last_message_at&sort_dir=asc")));
        Assert.Equal([second], Ids(await ListAsync(workspace, me, "sort_by=last_message_at&sort_dir=asc&limit=1")));
        Assert.Equal([third], Ids(await ListAsync(workspace, me, "sort_by=last_message_at&sort_dir=asc&limit=1&page=3")));
    }

    [Fact]
    public async Task List_PrivateSessionsOfOthers_NeverCountEvenWhenFilteredForThem()
    {
        var (workspace, me, other) = await SetUpAsync();
        await Create(workspace, other, new { labels = Labels(("secret", "yes")) });
        var shared = await Create(workspace, other, new { visibility = "workspace", labels = Labels(("secret", "yes")) });

        var byOwner = await ListAsync(workspace, me, $"user_id={other.Id}&archived=any&include_workload_sessions=true");
        var byLabel = await ListAsync(workspace, me, "label=secret:yes");

        Assert.Equal(1, byOwner["total"]!.GetValue<int>());
        Assert.Equal([shared], Ids(byOwner));
        Assert.Equal(1, byLabel["total"]!.GetValue<int>());
        Assert.Equal([shared], Ids(byLabel));
    }

    /// <summary>
    /// Search is a filter, not access: it finds the caller's own and the shared sessions whose title,
    /// model, agent or label holds the text, never another member's private session or a session of
    /// another workspace that holds it too, and its total counts only those (CONTRACT 5.4). On
    /// PostgreSQL the texts are matched in a copy of every workspace's (ADR 0085), so the sessions'
    /// visibility decides.
    /// </summary>
    [Fact]
    public async Task List_Search_FindsOnlyWhatTheCallerSees_InTheirWorkspace()
    {
        var (workspace, me, other) = await SetUpAsync();
        var mine = await Create(workspace, me, new { title = "Beacon notes" });
        await Create(workspace, other, new { title = "beacon, private" });
        await Create(workspace, other, new { agent = "beacon-agent" });
        var shared = await Create(workspace, other, new { model = "beacon-7", visibility = "workspace" });
        var elsewhere = await TestWorkspace.CreateAsync(Factory);
        var stranger = await elsewhere.AddMemberAsync();
        await Create(elsewhere, stranger, new { title = "beacon", visibility = "workspace", labels = Labels(("beacon", "beacon")) });

        var page = await ListAsync(workspace, me, "search=BEACON");

        Assert.Equal([shared, mine], Ids(page));
        Assert.Equal(2, page["total"]!.GetValue<int>());
    }

    /// <summary>
    /// A full page's total (from the maintained counts; on PostgreSQL carried by the page's ids)
    /// is the number of sessions the whole listing shows, for each caller and filter the counts
    /// answer, for two members who each see their own sessions and the shared ones.
    /// </summary>
    [Fact]
    public async Task List_AFullPagesTotal_IsWhatTheWholeListingShows()
    {
        var (workspace, me, other) = await SetUpAsync();
        await Create(workspace, me, new { labels = Labels(("team", "red")) });
        await Create(workspace, me, new { labels = Labels(("team", "blue")) });
        await Create(workspace, other, new { visibility = "workspace", labels = Labels(("team", "red")) });
        await Create(workspace, other, new { labels = Labels(("team", "red")) });
        await Create(workspace, other, new { visibility = "workspace", origin = "eval", labels = Labels(("team", "red")) });
        var archived = await Create(workspace, me, new { visibility = "workspace", labels = Labels(("team", "red")) });
        await Client.PostAsync(workspace.SessionPath(archived) + "/archive", me.Token());

        foreach (var caller in new[] { me, other })
        {
            foreach (var query in new[] { string.Empty, "archived=any", "archived=archived", "label=team:red", "include_workload_sessions=true&archived=any", $"user_id={other.Id}" })
            {
                var whole = await ListAsync(workspace, caller, query + "&limit=100");
                var shown = whole["sessions"]!.AsArray().Count;
                Assert.True(shown > 0, query);
                var full = await ListAsync(workspace, caller, query + "&limit=1");
                Assert.True(shown == full["total"]!.GetValue<int>(), $"{query}: {full["total"]} for {shown} shown");
            }
        }
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("page=0", "page")]
    [InlineData("page=21474838&limit=100", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("sort_by=title", "sort_by")]
    [InlineData("sort_dir=up", "sort_dir")]
    [InlineData("archived=maybe", "archived")]
    [InlineData("include_workload_sessions=perhaps", "include_workload_sessions")]
    public async Task List_BadParameter_Is422AtItsQueryName(string query, string parameter)
    {
        var (workspace, me, _) = await SetUpAsync();

        await (await Client.GetAsync($"{workspace.SessionsPath}?{query}", me.Token())).ExpectValidationErrorAsync("query", parameter);
    }

    [Theory]
    [InlineData("origin=user&origin=robot", "origin", 1)]
    [InlineData("label=nocolon", "label", 0)]
    [InlineData("user=0190a000-0000-7000-8000-000000000001&user=xx", "user", 1)]
    [InlineData("project_id=0190a000-0000-7000-8000-000000000001&project_id=0190a000-0000-7000-8000-000000000002&project_id=1111", "project_id", 2)]
    public async Task List_BadRepeatedValue_Is422AtItsIndex(string query, string parameter, int index)
    {
        var (workspace, me, _) = await SetUpAsync();

        await (await Client.GetAsync($"{workspace.SessionsPath}?{query}", me.Token())).ExpectValidationErrorAsync("query", parameter, index);
    }

    /// <summary>An empty value of a repeatable UUID filter is refused as an empty <c>agent</c> is, not as a malformed UUID.</summary>
    [Theory]
    [InlineData("user_id=", "user_id", 0)]
    [InlineData("agent=", "agent", 0)]
    [InlineData("user=0190a000-0000-7000-8000-000000000001&user=", "user", 1)]
    public async Task List_AnEmptyRepeatedValue_IsNotEmptyAtItsIndex(string query, string parameter, int index)
    {
        var (workspace, me, _) = await SetUpAsync();

        var error = await (await Client.GetAsync($"{workspace.SessionsPath}?{query}", me.Token())).ExpectValidationErrorAsync("query", parameter, index);

        Assert.Equal(("must not be empty", "string_too_short"), (error["msg"]!.GetValue<string>(), error["type"]!.GetValue<string>()));
    }

    /// <summary>
    /// A parameter that takes one value, given twice, is refused whether or not each value would do:
    /// which one the client meant is not the service's to guess (the first was read, the rest ignored).
    /// </summary>
    [Theory]
    [InlineData("?limit=1&limit=abc", "limit", 2)]
    [InlineData("?limit=1&limit=0", "limit", 2)]
    [InlineData("?sort_by=created_at&sort_by=updated_at", "sort_by", 2)]
    [InlineData("?sort_dir=asc&sort_dir=asc&sort_dir=desc", "sort_dir", 3)]
    [InlineData("/usage?group_by=model&group_by=agent", "group_by", 2)]
    [InlineData("/{0}/trajectory?format=atif&format=openai", "format", 2)]
    [InlineData("/{0}/transcript?limit=5&limit=5", "limit", 2)]
    public async Task AOneValueParameterGivenMoreThanOnce_Is422AtIt(string query, string parameter, int given)
    {
        var (workspace, me, _) = await SetUpAsync();
        var session = await Create(workspace, me, new { model = "m" });

        var error = await (await Client.GetAsync(workspace.SessionsPath + string.Format(System.Globalization.CultureInfo.InvariantCulture, query, session), me.Token()))
            .ExpectValidationErrorAsync("query", parameter);

        Assert.Equal($"must be given once (it was given {given} times)", error["msg"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARepeatableFilterGivenMoreThanOnce_StillCombinesItsValues()
    {
        var (workspace, me, _) = await SetUpAsync();
        await Create(workspace, me, new { model = "one" });
        await Create(workspace, me, new { model = "two" });
        await Create(workspace, me, new { model = "three" });

        var page = await ListAsync(workspace, me, "model=one&model=two");

        Assert.Equal(2, page["total"]!.GetValue<int>());
        Assert.Equal(["one", "two"], page["sessions"]!.AsArray().Select(s => s!["model"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    /// <summary>A paging value that is no integer is told the parameter's range, not its type's (it was "from -2147483648 to 2147483647").</summary>
    [Theory]
    [InlineData("?page=abc", "page", "must be an integer from 1 to 1000000")]
    [InlineData("?limit=99999999999", "limit", "must be an integer from 1 to 100")]
    [InlineData("/{0}/transcript?limit=x", "limit", "must be an integer from 1 to 500")]
    public async Task APagingValueThatIsNoInteger_IsToldItsRange(string query, string parameter, string message)
    {
        var (workspace, me, _) = await SetUpAsync();
        var session = await Create(workspace, me, new { model = "m" });

        var error = await (await Client.GetAsync(workspace.SessionsPath + string.Format(System.Globalization.CultureInfo.InvariantCulture, query, session), me.Token()))
            .ExpectValidationErrorAsync("query", parameter);

        Assert.Equal(message, error["msg"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_BadUuidFilterAndOverlongSearch_Are422()
    {
        var (workspace, me, _) = await SetUpAsync();

        var uuid = await (await Client.GetAsync($"{workspace.SessionsPath}?user_id=nope", me.Token())).ExpectValidationErrorAsync("query", "user_id", 0);
        await (await Client.GetAsync($"{workspace.SessionsPath}?search={new string('s', 201)}", me.Token())).ExpectValidationErrorAsync("query", "search");

        Assert.Equal("uuid_parsing", uuid["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Facets_CountVisibleSessionsAfterTheFilters_AndLeaveOutEmptyValues()
    {
        var (workspace, me, other) = await SetUpAsync();
        await Create(workspace, me, new { agent = "coder", model = "gpt-4o", labels = Labels(("team", "red"), ("env", "prod")) });
        await Create(workspace, me, new { model = "gpt-4o", origin = "worker", labels = Labels(("team", "red")) });
        await Create(workspace, other, new { agent = "coder", model = "claude", visibility = "workspace", labels = Labels(("team", "blue")) });
        await Create(workspace, other, new { agent = "hidden", model = "secret", labels = Labels(("private", "x")) });
        await Create(workspace, me, new { model = "eval-model", origin = "eval" });

        var facets = await (await Client.GetAsync($"{workspace.SessionsPath}/facets", me.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("""{"env":[{"value":"prod","count":1}],"team":[{"value":"red","count":2},{"value":"blue","count":1}]}""", facets["labels"]!.ToJsonString());
        Assert.Equal("""[{"value":"coder","count":2}]""", facets["agents"]!.ToJsonString());
        Assert.Equal("""[{"value":"gpt-4o","count":2},{"value":"claude","count":1}]""", facets["models"]!.ToJsonString());
        Assert.Equal("""[{"value":"user","count":2},{"value":"worker","count":1}]""", facets["origins"]!.ToJsonString());
        var users = facets["users"]!.AsArray();
        Assert.Equal(2, users.Count);
        Assert.Equal(me.Id.ToString(), users[0]!["value"]!.GetValue<string>());
        Assert.Equal(2, users[0]!["count"]!.GetValue<int>());
        Assert.Equal(me.Email, users[0]!["user"]!["email"]!.GetValue<string>());

        var filtered = await (await Client.GetAsync($"{workspace.SessionsPath}/facets?label=team:red", me.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""[{"value":"gpt-4o","count":2}]""", filtered["models"]!.ToJsonString());

        // Every list filter narrows the facets as it narrows the list.
        async Task<string> ModelsAsync(string query) =>
            (await (await Client.GetAsync($"{workspace.SessionsPath}/facets?{query}", me.Token())).ExpectAsync(HttpStatusCode.OK))["models"]!.ToJsonString();
        Assert.Equal("""[{"value":"claude","count":1},{"value":"gpt-4o","count":1}]""", await ModelsAsync("agent=coder"));
        Assert.Equal("""[{"value":"claude","count":1}]""", await ModelsAsync("model=claude"));
        Assert.Equal("""[{"value":"gpt-4o","count":1}]""", await ModelsAsync("origin=worker"));
        Assert.Equal("""[{"value":"claude","count":1}]""", await ModelsAsync($"user={other.Id}"));
        Assert.Equal("""[{"value":"gpt-4o","count":2}]""", await ModelsAsync($"user_id={me.Id}&user={me.Id}&user={other.Id}"));
        Assert.Equal("[]", await ModelsAsync($"user_id={me.Id}&user={other.Id}"));
        Assert.Equal("""[{"value":"gpt-4o","count":2}]""", await ModelsAsync("search=gpt"));
        Assert.Equal("""[{"value":"gpt-4o","count":2},{"value":"claude","count":1},{"value":"eval-model","count":1}]""", await ModelsAsync("include_workload_sessions=true"));
    }

    [Fact]
    public async Task Facets_BadFilter_Is422()
    {
        var (workspace, me, _) = await SetUpAsync();

        await (await Client.GetAsync($"{workspace.SessionsPath}/facets?archived=soon", me.Token())).ExpectValidationErrorAsync("query", "archived");
    }

    private async Task<(TestWorkspace Workspace, TestUser Me, TestUser Other)> SetUpAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        return (workspace, await workspace.AddMemberAsync(), await workspace.AddMemberAsync(WorkspaceRole.Admin));
    }

    private async Task<Guid> Create(TestWorkspace workspace, TestUser owner, object? extra = null) =>
        (await Client.CreateSessionAsync(workspace, owner, extra: extra)).Id();

    private async Task<JsonObject> ListAsync(TestWorkspace workspace, TestUser caller, string query) =>
        await (await Client.GetAsync($"{workspace.SessionsPath}?{query}", caller.Token())).ExpectAsync(HttpStatusCode.OK);

    private static string Paging(JsonObject page) =>
        new JsonObject(page.Where(p => p.Key != "sessions").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();

    private static List<Guid> Ids(JsonObject page) => [.. page["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>()))];

    private static List<Guid> Sorted(params Guid[] ids) => [.. ids.Order()];

    private static List<Guid> Sorted(IEnumerable<Guid> ids) => [.. ids.Order()];

    private static Dictionary<string, string[]> Labels(params (string Key, string Value)[] labels) =>
        labels.GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.Select(l => l.Value).ToArray());
}
