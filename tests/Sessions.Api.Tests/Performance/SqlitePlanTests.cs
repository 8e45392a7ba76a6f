using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// The reads of the hot requests find their sessions, labels and messages through indexes on
/// SQLite. Every SQLite connection keeps the plan a statement was prepared with whatever its
/// parameters' values (ADR 0028), so <c>EXPLAIN QUERY PLAN</c> of a statement's text, without
/// values, shows the plan the service runs.
/// </summary>
public sealed partial class SqlitePlanTests(CountingApiFactory factory) : ApiTest<CountingApiFactory>(factory), IClassFixture<CountingApiFactory>
{
    private static readonly string[] Tables = ["sessions", "session_labels", "session_messages"];

    [ProviderFact("Sqlite")]
    public async Task HotReads_SearchSessionsLabelsAndMessagesByIndex_ScanningNone()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red"] };
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { title = "planned", labels })).Id();
        await Client.CreateSessionAsync(workspace, owner, extra: new { title = "other", labels });
        var messages = new[] { new { id = Guid.NewGuid(), role = "user", content = "hello" } };
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);

        var paths = new[]
        {
            workspace.SessionPath(session),
            workspace.SessionPath(session.ToString()[..8]),
            workspace.SessionsPath + "?limit=1",
            workspace.SessionsPath + "?limit=1&page=2",
            workspace.SessionsPath + "?label=team:red&limit=1&page=2",
            workspace.SessionsPath + "?sort_by=created_at&sort_dir=asc&limit=1",
            workspace.SessionsPath + "?sort_by=message_count&limit=1",
            workspace.SessionsPath + "?sort_by=last_message_at&archived=any&limit=1",
            workspace.SessionsPath + "?search=plan",
            workspace.SessionsPath + "/facets",
            workspace.SessionPath(session) + "/transcript",
        };
        var reads = await PlannedReadsAsync(paths, owner.Token());
        Assert.True(reads.Count >= paths.Length, $"{reads.Count} reads");
        foreach (var read in reads)
        {
            var aliases = TableAlias().Matches(read.Statement).Where(m => Tables.Contains(m.Groups["table"].Value)).Select(m => m.Groups["alias"].Value).ToHashSet();
            Assert.DoesNotContain(read.Plan, step => FullScan().Match(step) is { Success: true } scan && aliases.Contains(scan.Groups["alias"].Value));
            Assert.NotEmpty(read.Plan);
        }
    }

    /// <summary>
    /// A page in the order of its last change (the default), of creation or of the number of
    /// messages, either way, walks the index of that order, which holds the visibility rule's and
    /// the default filters' columns and the folded labels, and sorts nothing (ADRs 0029, 0035, 0056).
    /// </summary>
    [ProviderTheory("Sqlite")]
    [InlineData("updated_at", "desc")]
    [InlineData("updated_at", "asc")]
    [InlineData("created_at", "desc")]
    [InlineData("created_at", "asc")]
    [InlineData("message_count", "desc")]
    [InlineData("message_count", "asc")]
    public async Task PagesInEachIndexedOrder_WalkTheIndexOfThatOrder_EitherWay(string order, string direction)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red"] };
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels });
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels });
        var query = $"?sort_by={order}&sort_dir={direction}";
        var paths = new[] { workspace.SessionsPath + query + "&limit=1", workspace.SessionsPath + query + "&label=team:red&limit=1&page=2" };
        var sorted = direction == "desc" ? $"ORDER BY \"s\".\"{order}\" DESC" : $"ORDER BY \"s\".\"{order}\", ";
        var pages = (await PlannedReadsAsync(paths, owner.Token()))
            .Where(r => r.Statement.Contains(sorted, StringComparison.Ordinal) && r.Statement.Contains("LIMIT", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(paths.Length, pages.Count);
        foreach (var page in pages)
        {
            // The page's own query (the statement, or the subquery the chips and labels are joined
            // to, whose twenty rows the outer query may order again) sorts nothing.
            var walk = Assert.Single(page.Steps, step => step.Detail == $"SEARCH s USING INDEX ix_sessions_workspace_id_{order}_id_archived_at_origin_user_id_visibility_label_bits (workspace_id=?)");
            Assert.DoesNotContain(page.Steps, step => step.Parent == walk.Parent && step.Detail.StartsWith("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A page in the order of the last message, either way, walks the index of that order twice,
    /// each walk sorting nothing: once over the sessions with messages, once over those without
    /// (which come last in both directions); only the ids the two walks found, as far as the page
    /// reaches, are ordered, and the page's sessions read by their ids (ADR 0057). A search is
    /// one walk of its own index, whatever the order.
    /// </summary>
    [ProviderTheory("Sqlite")]
    [InlineData("desc")]
    [InlineData("asc")]
    public async Task PagesInTheOrderOfTheLastMessage_WalkItsIndexForEachPart_EitherWay(string direction)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red"] };
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels });
        var messages = new[] { new { id = Guid.NewGuid(), role = "user", content = "hello" } };
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);
        var query = $"?sort_by=last_message_at&sort_dir={direction}";
        var paths = new[] { workspace.SessionsPath + query + "&limit=1", workspace.SessionsPath + query + "&label=team:red&limit=1&page=2" };

        var pages = (await PlannedReadsAsync(paths, owner.Token()))
            .Where(r => r.Statement.Contains("UNION", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(paths.Length, pages.Count);
        const string Index = "ix_sessions_workspace_id_last_message_at_id_archived_at_origin_user_id_visibility_label_bits";
        foreach (var page in pages)
        {
            var walks = page.Steps.Where(step => step.Detail.Contains(" INDEX " + Index, StringComparison.Ordinal)).ToList();
            Assert.Equal(
                [$"{Index} (workspace_id=? AND last_message_at>?)", $"{Index} (workspace_id=? AND last_message_at=?)"],
                walks.Select(walk => IndexWalk().Match(walk.Detail).Groups["walk"].Value));
            Assert.All(walks, walk => Assert.DoesNotContain(page.Steps, step => step.Parent == walk.Parent && step.Detail.StartsWith("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal)));

            // The page's sessions are then read by their ids, not found again in the workspace.
            Assert.Contains(page.Steps, step => step.Parent == 0 && step.Detail == "SEARCH s USING INDEX sqlite_autoindex_sessions_1 (id=?)");
        }

        // A search finds its matches by its own index, once, and orders them, as in every order.
        var searched = Assert.Single(await PlannedReadsAsync([workspace.SessionsPath + query + "&search=hello"], owner.Token()), read => read.Statement.Contains("LIMIT", StringComparison.Ordinal));
        Assert.Single(searched.Plan, step => TrigramIndex().IsMatch(step));
    }

    /// <summary>
    /// The list's search asks the trigram index whichever way it folds the text: <c>LIKE</c> (index
    /// <c>L</c>) for ASCII letters, the index's own <c>MATCH</c> (<c>M</c>) for letters beyond them.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task ListSearch_AsksTheTrigramIndex_InEitherFolding()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        await Client.CreateSessionAsync(workspace, owner, extra: new { title = "École planned" });

        foreach (var (search, use) in new[] { ("PLAN", "L"), ("ÉCOLE", "M") })
        {
            var reads = await PlannedReadsAsync([workspace.SessionsPath + "?search=" + Uri.EscapeDataString(search)], owner.Token());
            Assert.Contains(reads, read => read.Plan.Any(step => TrigramIndex().Match(step) is { Success: true } index && index.Groups["uses"].Value.Contains(use, StringComparison.Ordinal)));
        }
    }

    /// <summary>
    /// A list search the trigram index cannot narrow (shorter than a trigram, needing an escape, or
    /// letters whose cases the index does not pair) reads the texts of the workspace's sessions by
    /// their session's id, never the whole index: the index holds every workspace's texts, and a
    /// search in one would cost what all of them hold.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task ListSearch_TheIndexCannotNarrow_ReadsTheWorkspacesTextsOnly()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        await Client.CreateSessionAsync(workspace, owner, extra: new { title = "50% planned" });

        foreach (var search in new[] { "pl", "50%", "a_b", "ᲐᲑᲒ" })
        {
            var reads = await PlannedReadsAsync([workspace.SessionsPath + "?search=" + Uri.EscapeDataString(search), workspace.SessionsPath + "/facets?search=" + Uri.EscapeDataString(search)], owner.Token());
            var searched = reads.Where(read => read.Statement.Contains("session_search", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(searched);
            Assert.All(searched, read => Assert.DoesNotContain(read.Plan, step => WholeIndex().IsMatch(step) || step.StartsWith("SCAN r", StringComparison.Ordinal)));
            Assert.All(searched, read => Assert.Contains(read.Plan, step => step.Contains("USING INDEX ix_session_search_rows_session_id", StringComparison.Ordinal)));
        }
    }

    /// <summary>
    /// A rewind that undoes a compaction finds the messages stamped at the compaction's instant
    /// between a message and the rewind's seq through the index of instants and seqs: the index of
    /// seqs alone, which SQLite's planner took before, walked that range for every compacted message
    /// (a rewind past 16,000 compacted messages ran out of its 30 s, holding the writer's turn).
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task Rewind_FindsACompactionsInstant_ThroughTheIndexOfInstantsAndSeqs()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "a" }, new { role = "assistant", content = "b" }, new { role = "user", content = "c" });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s" }, up_to_seq = 2 })).ExpectAsync(HttpStatusCode.OK);

        var planned = await PlannedAsync(
            async () => await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = 3 })).ExpectAsync(HttpStatusCode.OK),
            statement => statement.Contains("NOT EXISTS", StringComparison.Ordinal));

        Assert.Equal(2, planned.Count);
        Assert.All(planned, read => Assert.DoesNotContain(read.Plan, step => step.Contains("ix_session_messages_session_id_seq (session_id=? AND seq>? AND seq<?)", StringComparison.Ordinal)));
        Assert.All(planned, read => Assert.Contains(read.Plan, step => step.EndsWith("INDEX ix_session_messages_session_id_created_at_seq (session_id=? AND created_at=? AND seq>? AND seq<?)", StringComparison.Ordinal)));
        Assert.Equal(["a", "b"], (await Client.AllMessagesAsync(workspace, owner, session)).Select(m => m["content"]!.GetValue<string>()));
    }

    /// <summary>
    /// The reads that name one group's sessions (a group's page of them, the test of whether the
    /// caller sees a group, behind a group's read and the groups' listing) walk the group index,
    /// which holds the sessions in a group and no other (ADR 0081): a session in no group, as most
    /// are, moves no entry of it when a change stamps its update time.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task GroupReads_WalkTheIndexOfGroupedSessions_WhichHoldsNoOther()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var groups = $"{workspace.SessionsPath}/groups";
        var group = await Client.CreateGroupAsync(workspace, owner);
        await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = group });
        await Client.CreateSessionAsync(workspace, owner);

        var reads = await PlannedReadsAsync([$"{groups}/{group}", groups, $"{workspace.SessionsPath}/grouped"], owner.Token());
        var byGroup = reads.Where(read => GroupMatch().IsMatch(read.Statement)).ToList();
        Assert.True(byGroup.Count >= 2, $"{byGroup.Count} reads of a group's sessions");
        Assert.All(byGroup, read => Assert.Contains(read.Plan, step => GroupIndexSearch().IsMatch(step)));

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        var partial = await db.Database.SqlQueryRaw<long>("SELECT \"partial\" AS \"Value\" FROM pragma_index_list('sessions') WHERE \"name\" = '" + GroupIndex + "'").ToListAsync();
        Assert.Equal([1L], partial);
    }

    /// <summary>
    /// The grouped listing ranks the first sessions of the groups on its page in one window over
    /// the sessions of those groups alone (ADR 0082), not over every session of the workspace with
    /// the page's groups picked from the ranking afterwards.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task GroupedPage_RanksTheSessionsOfItsOwnGroupsAlone()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var group = await Client.CreateGroupAsync(workspace, owner);
            await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = group });
        }

        await Client.CreateSessionAsync(workspace, owner);

        var statements = await Factory.Statements.DuringAsync(async () =>
            await (await Client.GetAsync($"{workspace.SessionsPath}/grouped", owner.Token())).ExpectAsync(HttpStatusCode.OK));

        var ranked = Assert.Single(statements.Select(statement => RankedByUpdate().Match(statement)), match => match.Success).Groups["where"].Value;
        Assert.Contains("\"group_id\" IN (@groupIds1, @groupIds2)", ranked, StringComparison.Ordinal);
    }

    /// <summary>
    /// The grouped listing finds its groups' buckets (each group's count and newest activity) group by
    /// group in the group index, and so counts them when its page is full, reading no session's row:
    /// the index carries the visibility rule's facts (ADR 0084). Only the bucket of no group walks the
    /// workspace's sessions, where every session of the workspace was grouped by its group, twice,
    /// to order the buckets and count them. A group's page of ids reads the index alone too.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task GroupedPage_FindsAndCountsItsGroupsBuckets_InTheGroupIndexAlone()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var group = string.Empty;
        foreach (var _ in Enumerable.Range(0, 2))
        {
            group = await Client.CreateGroupAsync(workspace, owner);
            await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = group });
        }

        await Client.CreateSessionAsync(workspace, owner);

        var grouped = $"{workspace.SessionsPath}/grouped";
        var reads = await PlannedReadsAsync([grouped, $"{grouped}?limit=1", $"{workspace.SessionsPath}/groups/{group}"], owner.Token());
        var buckets = Assert.Single(reads, read => NewestOfBucket().IsMatch(read.Statement));
        var counted = Assert.Single(reads, read => GroupsCounted().IsMatch(read.Statement));
        var ids = Assert.Single(reads, read => GroupsIds().IsMatch(read.Statement));
        Assert.All([buckets, counted, ids], read =>
        {
            Assert.Contains(read.Plan, step => GroupIndexSearch().IsMatch(step) && step.Contains("USING COVERING INDEX", StringComparison.Ordinal));
            Assert.DoesNotContain(read.Plan, step => step.Contains("ix_sessions_workspace_id", StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// The reads that name the groups of a page or one group (their counts and usage, their latest
    /// generation, the first sessions of each, the groups holding a matching session) walk the
    /// group index on a database without statistics, where SQLite's planner would otherwise take
    /// the workspace's condition for the narrower one and walk every session of the workspace (ADR 0082).
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task ReadsOfNamedGroups_WalkTheGroupIndex_NotTheWorkspace()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var groups = $"{workspace.SessionsPath}/groups";
        var ids = new List<string>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            ids.Add(await Client.CreateGroupAsync(workspace, owner));
            await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = ids[^1] });
        }

        await Client.CreateSessionAsync(workspace, owner);

        var reads = await PlannedReadsAsync([groups, $"{groups}/{ids[0]}", $"{workspace.SessionsPath}/grouped", $"{groups}?model=m"], owner.Token());
        var ofGroups = reads.Where(read => NamedGroups().IsMatch(read.Statement)).ToList();
        Assert.True(ofGroups.Count >= 4, $"{ofGroups.Count} reads naming groups");
        Assert.All(ofGroups, read =>
        {
            Assert.Contains(read.Plan, step => GroupIndexSearch().IsMatch(step));
            Assert.DoesNotContain(read.Plan, step => step.Contains("ix_sessions_workspace_id", StringComparison.Ordinal));
            var sessions = TableAlias().Matches(read.Statement).Where(m => m.Groups["table"].Value == "sessions").Select(m => m.Groups["alias"].Value).ToHashSet();
            Assert.DoesNotContain(read.Plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal) && sessions.Contains(step.Split(' ')[1]));
        });
    }

    /// <summary>The reads (distinct) that GETs of <paramref name="paths"/> sent, each with SQLite's plan of it.</summary>
    private Task<IReadOnlyList<PlannedRead>> PlannedReadsAsync(IReadOnlyList<string> paths, string token) =>
        PlannedAsync(
            async () =>
            {
                foreach (var path in paths)
                {
                    await (await Client.GetAsync(path, token)).ExpectAsync(HttpStatusCode.OK);
                }
            },
            statement => FirstWord().Match(statement).Groups[1].Value is "SELECT" or "WITH");

    /// <summary>The statements (distinct) that <paramref name="requests"/> sent and <paramref name="which"/> picks, each with SQLite's plan of it.</summary>
    private async Task<IReadOnlyList<PlannedRead>> PlannedAsync(Func<Task> requests, Func<string, bool> which)
    {
        var statements = await Factory.Statements.DuringAsync(requests);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var planned = new List<PlannedRead>();
        foreach (var statement in statements.Where(which).Distinct())
        {
            planned.Add(new PlannedRead(statement, await PlanAsync(connection, statement)));
        }

        return planned;
    }

    private static async Task<IReadOnlyList<PlanStep>> PlanAsync(SqliteConnection connection, string statement)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + CommentLines().Replace(statement, string.Empty);
        await using var reader = await command.ExecuteReaderAsync();
        var steps = new List<PlanStep>();
        while (await reader.ReadAsync())
        {
            steps.Add(new PlanStep(reader.GetInt32(reader.GetOrdinal("id")), reader.GetInt32(reader.GetOrdinal("parent")), reader.GetString(reader.GetOrdinal("detail"))));
        }

        return steps;
    }

    /// <summary>A step of SQLite's plan: its id, the step it belongs to (0 for the statement's own level) and what it does.</summary>
    private sealed record PlanStep(int Id, int Parent, string Detail);

    /// <summary>A statement with the steps of its plan; <see cref="Plan"/> is what each step does, in order.</summary>
    private sealed record PlannedRead(string Statement, IReadOnlyList<PlanStep> Steps)
    {
        public IReadOnlyList<string> Plan { get; } = [.. Steps.Select(step => step.Detail)];
    }

    [GeneratedRegex(@"^(?:--[^\n]*\n)*\s*(\w+)")]
    private static partial Regex FirstWord();

    [GeneratedRegex(@"^(?:--[^\n]*\n)+")]
    private static partial Regex CommentLines();

    [GeneratedRegex("\"(?<table>\\w+)\" AS \"(?<alias>\\w+)\"")]
    private static partial Regex TableAlias();

    /// <summary>A step that asks the FTS5 search index, with how: <c>L</c> for LIKE, <c>M</c> for MATCH, <c>G</c> for GLOB, each with its column.</summary>
    [GeneratedRegex(@"^SCAN \w+ VIRTUAL TABLE INDEX \d+:(?<uses>[A-Z0-9]+)")]
    private static partial Regex TrigramIndex();

    /// <summary>A step that reads the FTS5 search index whole: no constraint used.</summary>
    [GeneratedRegex(@"^SCAN \w+ VIRTUAL TABLE INDEX \d+:$")]
    private static partial Regex WholeIndex();

    /// <summary>A step that searches a table by an index (or by the index alone): the index and the constraints it uses.</summary>
    [GeneratedRegex(@"^SEARCH \w+ USING (?:COVERING )?INDEX (?<walk>.+)$")]
    private static partial Regex IndexWalk();

    /// <summary>
    /// A condition that names one group's sessions: the group's page (its group the parameter
    /// <c>groupId</c>) or the test of a group's visibility (its group the id of the group, aliased <c>s</c>, it correlates with).
    /// </summary>
    [GeneratedRegex("\"group_id\" = (?:@groupId\\b|\"s\"\\.\"id\")")]
    private static partial Regex GroupMatch();

    /// <summary>
    /// A condition that names one group (<c>groupId</c>), the groups of a page (<c>groupIds</c>, a
    /// list of one compared as a value) or the group, aliased <c>s</c>, that a test of a group's
    /// sessions correlates with.
    /// </summary>
    [GeneratedRegex("\"group_id\" (?:= @groupId\\b|= @groupIds1\\b|IN \\(@groupIds1\\b|= \"s\"\\.\"id\")")]
    private static partial Regex NamedGroups();

    /// <summary>
    /// A window that ranks sessions by group, newest update first, with the condition on the
    /// sessions it ranks (<c>where</c>, up to the end of its subquery).
    /// </summary>
    [GeneratedRegex("ROW_NUMBER\\(\\) OVER\\(PARTITION BY \"(?<alias>\\w+)\"\\.\"group_id\" ORDER BY \"\\k<alias>\"\\.\"updated_at\" DESC[^)]*\\) AS \"row\"\\s+FROM \"sessions\" AS \"\\k<alias>\"\\s+WHERE (?<where>.*?)\\)\\s+AS ", RegexOptions.Singleline)]
    private static partial Regex RankedByUpdate();

    /// <summary>The group index's name on SQLite: its key and the columns it carries (ADR 0084).</summary>
    private const string GroupIndex = "ix_sessions_group_id_updated_at_id_workspace_id_archived_at_origin_user_id_visibility_label_bits";

    /// <summary>A step of a plan that searches the group index by a group, reading the index alone or the rows it finds.</summary>
    [GeneratedRegex("USING (?:COVERING )?INDEX " + GroupIndex + @" \(group_id=\?\)$")]
    private static partial Regex GroupIndexSearch();

    /// <summary>A group's page of session ids: the ids alone, from the sessions of one group.</summary>
    [GeneratedRegex(@"^SELECT ""s""\.""id""\s+FROM ""sessions"" AS ""s""\s+WHERE .*""group_id"" = @groupId\b", RegexOptions.Singleline)]
    private static partial Regex GroupsIds();

    /// <summary>A bucket's newest activity: the greatest update time of its sessions.</summary>
    [GeneratedRegex(@"MAX\(""\w+""\.""updated_at""\)")]
    private static partial Regex NewestOfBucket();

    /// <summary>A count of groups (SQLite quotes the table's name).</summary>
    [GeneratedRegex(@"^SELECT COUNT\(\*\)\s+FROM ""session_groups""")]
    private static partial Regex GroupsCounted();

    /// <summary>A step that walks a whole table or one of its indexes: <c>SCAN alias</c>, with or without an index.</summary>
    [GeneratedRegex(@"^SCAN (?<alias>\w+)(?: |$)")]
    private static partial Regex FullScan();
}
