using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Performance;

/// <summary>A host whose log keeps EF Core's "compiling query" lines: one for each query it compiles, none for one found in its cache.</summary>
public sealed class QueryShapesApiFactory : LoggedApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Query"] = "Debug",
    };

    /// <summary>How many queries the host compiled while <paramref name="requests"/> ran.</summary>
    public async Task<int> CompilationsDuringAsync(Func<Task> requests)
    {
        var before = Compilations();
        await requests();
        return Compilations() - before;
    }

    private int Compilations() => Logs.Lines.Count(l => l.Category == "Microsoft.EntityFrameworkCore.Query" && l.Message.StartsWith("Compiling query expression", StringComparison.Ordinal));
}

/// <summary>
/// A listing's query has a shape of its own for its order and page, whether it is filtered at all
/// (by values, labels or text), and by labels of one group or of several; not for each combination
/// of filters, each number of values or labels, or each way of searching a text (ADR 0055). EF Core compiles each shape
/// once and keeps 1,024; a shape for each combination made a stream of varied listings compile on
/// nearly every request.
/// </summary>
public sealed class QueryShapesTests(QueryShapesApiFactory factory) : ApiTest<QueryShapesApiFactory>(factory), IClassFixture<QueryShapesApiFactory>
{
    private static readonly string[] Searches = ["ab", "agent", "ÄBC", "a_b", "straße", "prod"];

    [Fact]
    public async Task ListingsOfEveryCombinationOfFilters_CompileAFewQueries_NotOnePerCombination()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        for (var i = 0; i < 3; i++)
        {
            await Client.CreateSessionAsync(workspace, owner, extra: new { agent = $"agent-{i}", labels = new Dictionary<string, string[]> { ["env"] = [$"v{i}"], ["team"] = ["red"] } });
        }

        async Task ListAsync(string query) =>
            await Client.GetAsync($"{workspace.SessionsPath}?{query}", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        // One listing of each shape the combinations below take: labels of one key, of two to four.
        await ListAsync("label=env:v0");
        await ListAsync("label=env:v0&label=team:red");
        await ListAsync("label=env:v0&label=team:red&label=tier:a");

        var combinations = Enumerable.Range(0, 48).Select(Combination).ToList();
        var compiled = await Factory.CompilationsDuringAsync(async () =>
        {
            foreach (var query in combinations)
            {
                await ListAsync(query);
            }
        });

        Assert.True(compiled <= 4, $"{compiled} queries compiled for {combinations.Count} combinations of filters");
    }

    /// <summary>
    /// A listing in the order of the last message, whose page is found in a subquery (ADR 0057), is
    /// one query whatever its page and limit: they are its parameters, as in every other order, not
    /// literals of a query for each page.
    /// </summary>
    [Fact]
    public async Task PagesInTheOrderOfTheLastMessage_AreOneQuery_WhateverThePageAndLimit()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        await Client.CreateSessionAsync(workspace, owner);

        async Task ListAsync(string query) =>
            await Client.GetAsync($"{workspace.SessionsPath}?sort_by=last_message_at&{query}", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        // EF Core makes one parameter of equal numbers (the offset and limit of a second page), so
        // the pages compared here have an offset, a limit and a reach all different.
        await ListAsync("page=3&limit=2");
        var compiled = await Factory.CompilationsDuringAsync(async () =>
        {
            for (var page = 3; page <= 7; page++)
            {
                await ListAsync($"page={page}&limit={page + 1}");
            }
        });

        Assert.Equal(0, compiled);
    }

    [Fact]
    public async Task LabelFiltersOfManyReadings_AreAnswered_InOneGroupAndInTwenty()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var letters = "abcdefghijklmnopqrst";

        // Each filter, a letter, 64 colons and a value, reads as 64 labels (keys of a letter and 0-63
        // colons); a label of each letter is one of those readings.
        var filters = letters.Select(c => $"label={c}{new string(':', 64)}x").ToList();
        var labels = letters.ToDictionary(c => $"{c}{new string(':', 20)}", _ => new[] { $"{new string(':', 43)}x" });
        var carriesAll = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels = labels.Skip(1).ToDictionary() });
        var inOneGroup = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { [$"a{new string(':', 30)}"] = [$"{new string(':', 33)}y"] } })).Id();

        Assert.Equal([carriesAll], await ListedAsync(workspace, owner, string.Join('&', filters)));
        await Client.GetAsync($"{workspace.SessionsPath}/facets?{string.Join('&', filters)}", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var oneKey = string.Join('&', "bcdefghijklmnopqrst".Select(c => $"label=a{new string(':', 64)}{c}").Append($"label=a{new string(':', 64)}y"));
        Assert.Equal([inOneGroup], await ListedAsync(workspace, owner, oneKey));
    }

    [Fact]
    public async Task AFilterOfTwoReadings_FindsEachReading_NotTheOtherPairsOfTheirKeysAndValues()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        async Task<Guid> WithAsync(string key, params string[] values) =>
            (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { [key] = values, ["team"] = ["red"] } })).Id();
        var image = await WithAsync("image", "nginx:1.25");
        var imageNginx = await WithAsync("image:nginx", "1.25");
        await WithAsync("image", "1.25");
        await WithAsync("image:nginx", "nginx:1.25");
        var readingAndOther = await WithAsync("image", "1.25", "nginx:1.25");

        Assert.Equal([readingAndOther, imageNginx, image], await ListedAsync(workspace, owner, "label=image:nginx:1.25&sort_by=created_at"));
        Assert.Equal([readingAndOther, imageNginx, image], await ListedAsync(workspace, owner, "label=image:nginx:1.25&label=team:red&sort_by=created_at"));

        // Three readings of three keys, padded to four places: the place of no key names nothing.
        Assert.Empty(await ListedAsync(workspace, owner, "label=image:nginx:1.25:x"));

        // A full page's total is counted without the folded labels' word, which alone would keep the
        // other pairs out of a page; the facets and the usage likewise.
        foreach (var query in new[] { "label=image:nginx:1.25", "label=image:nginx:1.25&label=team:red" })
        {
            var page = await Client.GetAsync($"{workspace.SessionsPath}?{query}&limit=1", owner.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(3, page["total"]!.GetValue<int>());

            var facets = await Client.GetAsync($"{workspace.SessionsPath}/facets?{query}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("""[{"value":"red","count":3}]""", facets["labels"]!["team"]!.ToJsonString());
            Assert.Equal("""[{"value":"1.25","count":1}]""", facets["labels"]!["image:nginx"]!.ToJsonString());
            var usage = await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by=model&{query}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(3, usage["totals"]!["session_count"]!.GetValue<long>());
        }
    }

    /// <summary>The <paramref name="index"/>th combination: filters present or absent by its bits, with 1-12 values and labels, and each way of searching.</summary>
    private static string Combination(int index)
    {
        var query = new List<string>();
        void Add(int bit, Func<string> parameters)
        {
            if ((index >> bit & 1) == 1)
            {
                query.Add(parameters());
            }
        }

        var count = 1 + (index % 12);
        Add(0, () => string.Join('&', Enumerable.Range(0, count).Select(i => $"agent=agent-{i}")));
        Add(1, () => string.Join('&', Enumerable.Range(0, count).Select(i => $"model=model-{i}")));
        Add(2, () => "origin=user&origin=worker");
        Add(3, () => $"project_id={Guid.NewGuid()}");
        Add(4, () => $"user_id={Guid.NewGuid()}");
        Add(5, () => "include_workload_sessions=true");
        query.Add($"archived={(index % 3) switch { 0 => "active", 1 => "archived", _ => "any" }}");
        query.Add($"search={Uri.EscapeDataString(Searches[index % Searches.Length])}");
        query.Add(index % 2 == 0
            ? string.Join('&', Enumerable.Range(0, count).Select(i => $"label=env:v{i}"))
            : string.Join('&', Enumerable.Range(0, 1 + (index % 4)).SelectMany(g => Enumerable.Range(0, Math.Min(count, 20 / (1 + (index % 4)))).Select(i => $"label=key{g}:v{i}"))));
        return string.Join('&', query);
    }

    private async Task<List<Guid>> ListedAsync(TestWorkspace workspace, TestUser user, string query)
    {
        var page = await Client.GetAsync($"{workspace.SessionsPath}?{query}", user.Token()).ExpectAsync(HttpStatusCode.OK);
        return [.. page["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>()))];
    }
}
