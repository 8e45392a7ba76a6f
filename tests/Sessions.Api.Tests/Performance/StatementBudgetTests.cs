using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Providers;
using Sessions.Infrastructure.Persistence.Stores;
using SQLitePCL;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// How many SQL statements a request sends, counted by an EF Core command interceptor, and which
/// transactions it opens (a transaction interceptor): a change that adds a round trip to a hot
/// path, or a transaction to an answer decided from a read, fails here. Each budget is measured after a warm-up
/// request, so the caller's membership and provisioned claims are cached as in steady traffic.
/// </summary>
public sealed partial class StatementBudgetTests(CountingApiFactory factory) : ApiTest<CountingApiFactory>(factory), IClassFixture<CountingApiFactory>
{
    /// <summary><c>SQLITE_STMTSTATUS_REPREPARE</c>: how many times SQLite compiled a prepared statement again.</summary>
    private const int StatementStatusRecompiled = 5;

    /// <summary>A listing filtered by the defaults only: active sessions, no workload sessions.</summary>
    private static readonly SessionCriteria Unfiltered = new(null, [], [], [], [], [], ArchivedFilter.Active, null, false);

    [Fact]
    public async Task GetById_AndGetByPrefix_AreAtMostTwoStatements()
    {
        var (workspace, owner, session) = await SetUpAsync();

        var byId = await CountAsync(() => Client.GetAsync(workspace.SessionPath(session), owner.Token()), HttpStatusCode.OK);
        Assert.Empty(Factory.Statements.Transactions);
        var byPrefix = await CountAsync(() => Client.GetAsync(workspace.SessionPath(session.ToString()[..8]), owner.Token()), HttpStatusCode.OK);
        Assert.Empty(Factory.Statements.Transactions);

        Assert.InRange(byId.Count, 1, 2);
        Assert.InRange(byPrefix.Count, 1, 2);
    }

    [Fact]
    public async Task IdempotentFreeze_IsAtMostTwoStatements_AndCommittingFreezeAtMostFour()
    {
        var (workspace, owner, session) = await SetUpAsync();

        var first = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()), HttpStatusCode.OK);
        Assert.Equal(["BEGIN", "COMMIT"], Factory.Statements.Transactions);
        var again = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()), HttpStatusCode.OK);

        Assert.InRange(first.Count, 1, 4);
        Assert.InRange(again.Count, 1, 2);

        // The repeat is decided from a read: no transaction, so no writer's lock and no commit.
        Assert.Empty(Factory.Statements.Transactions);

        // The id's text is computed from the id when the session is inserted; an update does not read it back.
        var update = Assert.Single(first, IsSessionUpdate);
        Assert.DoesNotContain("id_text", update, StringComparison.Ordinal);
    }

    /// <summary>A <c>PATCH</c> sending what the session holds is answered from its read (no load for change, no write), the version kept.</summary>
    [Fact]
    public async Task APatchSendingWhatTheSessionHolds_IsOneStatement_AndWritesNothing()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var path = workspace.SessionPath(session);
        await (await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "kept", labels = new { team = new[] { "blue" } } })).ExpectAsync(HttpStatusCode.OK);

        HttpResponseMessage? response = null;
        var statements = await Factory.Statements.DuringAsync(async () =>
            response = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "kept", labels = new { team = new[] { "blue", "blue" } }, visibility = "private" }));

        var answer = await response!.ExpectAsync(HttpStatusCode.OK);
        var read = Assert.Single(statements);
        Assert.DoesNotContain("UPDATE", read, StringComparison.Ordinal);
        Assert.Empty(Factory.Statements.Transactions);
        Assert.Equal("kept", (string?)answer["title"]);
        Assert.Equal("\"2\"", response!.Headers.ETag?.Tag);
    }

    /// <summary>
    /// A committing freeze changes only the session's row: it loads the session without a row lock
    /// and saves with the version it loaded. A writer that changes the session between that load and
    /// the save (here another connection, committed while the freeze waits to write) fails the
    /// save's version check; the freeze reruns on fresh state, loading under the lock this time,
    /// and keeps the other writer's change.
    /// </summary>
    [Fact]
    public async Task CommittingFreeze_LoadsWithoutALock_AndAWriterInBetweenMakesItRerunOnFreshState()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var frozen = await (await PostWithAWriterInBetweenAsync(workspace.SessionPath(session) + "/freeze", owner, ChangedMeanwhile(session))).ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(frozen["frozen_at"]);
        Assert.Equal("changed meanwhile", frozen["title"]!.GetValue<string>());
        var statements = Factory.Statements.Statements;
        Assert.DoesNotContain("FOR UPDATE", statements[1], StringComparison.Ordinal);
        Assert.Equal(Factory.Database.IsPostgres ? 1 : 0, statements.Count(s => s.Contains("FOR UPDATE", StringComparison.Ordinal)));
        Assert.Equal(2, statements.Count(IsSessionUpdate));
    }

    /// <summary>
    /// A committing freeze loaded its session without a lock; before its save the session was
    /// deleted and created again under its id in another workspace, at the same version (here
    /// another connection gives the row a new creation time, workspace and owner). The save matches
    /// no row, for it checks the creation time beside the version; the rerun finds no session the
    /// caller sees (404), and the later session is not frozen.
    /// </summary>
    [Fact]
    public async Task ACommittingFreeze_WhoseSessionWasCreatedAgainElsewhereAtItsVersion_FreezesNothing()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var elsewhere = await TestWorkspace.CreateAsync(Factory);
        var stranger = await elsewhere.AddMemberAsync();
        var theirs = (await Client.CreateSessionAsync(elsewhere, stranger)).Id();
        var freeze = await PostWithAWriterInBetweenAsync(
            workspace.SessionPath(session) + "/freeze",
            owner,
            $"UPDATE sessions SET created_at = '2030-01-01T00:00:00.000000Z', workspace_id = (SELECT workspace_id FROM sessions WHERE id_text = '{theirs}'), user_id = (SELECT user_id FROM sessions WHERE id_text = '{theirs}') WHERE id_text = '{session}'");

        await freeze.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var later = await Client.GetAsync(elsewhere.SessionPath(session), stranger.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(later["frozen_at"]);
        Assert.Equal(0, await EventCountAsync(session, "SessionFrozen"));
    }

    /// <summary>
    /// A list page is its total (from the maintained counts, or counted) and the page: on SQLite
    /// one statement with the sessions, their creators, sharers and labels joined to the page's
    /// rows; on PostgreSQL the page's ids, with the total where the maintained counts answer it,
    /// then those sessions by one prepared statement.
    /// </summary>
    [Fact]
    public async Task AListPage_IsTwoStatements_WithItsLabelsAndChips()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"] };
        for (var i = 0; i < 3; i++)
        {
            await Client.CreateSessionAsync(workspace, owner, extra: new { title = $"s{i}", labels, visibility = "workspace" });
        }

        await (await Client.GetAsync(workspace.SessionsPath, owner.Token())).ExpectAsync(HttpStatusCode.OK);

        // (query, statements on SQLite, on PostgreSQL): a full page counts, a short one does not;
        // PostgreSQL reads a page's ids (with the total from the maintained counts) and then its
        // sessions.
        foreach (var (query, onSqlite, onPostgres) in new[] { ("?limit=2", 2, 2), ("?limit=2&page=2", 1, 2), ("?label=team:red&limit=2", 2, 2), ("?search=s1", 1, 2) })
        {
            var (page, statements) = await ListCountedAsync(workspace, owner, query);
            Assert.True(statements.Count == (Factory.Database.IsPostgres ? onPostgres : onSqlite), $"{query}: {statements.Count} statements");
            var sessions = page["sessions"]!.AsArray();
            Assert.NotEmpty(sessions);
            Assert.All(sessions, s =>
            {
                Assert.Equal(["blue", "red"], s!["labels"]!["team"]!.AsArray().Select(v => v!.GetValue<string>()).Order());
                Assert.Equal(owner.Id, s["created_by"]!["id"]!.GetValue<Guid>());
                Assert.Equal(owner.Id, s["shared_by"]!["id"]!.GetValue<Guid>());
            });
        }
    }

    /// <summary>
    /// The sessions of a list page's ids (and of a group listing's) are one statement, answered in
    /// the order of the ids whatever order the database returns them in, with their labels and
    /// chips; an id with no session is left out and a repeated id answers twice.
    /// </summary>
    [Fact]
    public async Task ViewsInOrder_AreOneStatement_InTheOrderOfTheirIds_OfWhatTheAudienceSees()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red"] };
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Client.CreateSessionAsync(workspace, owner, extra: new { title = $"v{i}", labels })).Id());
        }

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        Guid[] asked = [ids[2], Guid.NewGuid(), ids[0], ids[2]];
        IReadOnlyList<SessionView> views = [];
        var owners = new SessionAudience(workspace.WorkspaceId, owner.Id, SeesAllSessions: false);

        var statements = await Factory.Statements.DuringAsync(async () => views = await db.ViewsInOrderAsync(owners, asked, CancellationToken.None));

        Assert.Single(statements);
        Assert.Equal([ids[2], ids[0], ids[2]], views.Select(v => v.Id));
        Assert.Equal(["v2", "v0", "v2"], views.Select(v => v.Title));
        // The opposite order of the first and last ids too: whichever order the database returns
        // the rows in, one of the two differs from it.
        Assert.Equal([ids[0], ids[1], ids[2]], (await db.ViewsInOrderAsync(owners, [ids[0], ids[1], ids[2]], CancellationToken.None)).Select(v => v.Id));
        Assert.All(views, v =>
        {
            Assert.Equal(["red"], v.Labels["team"]);
            Assert.Equal(owner.Id, v.CreatedBy!.Id);
        });

        // Ids are the clients': a session the audience does not see (another member's private one,
        // another workspace's) is left out, whatever query gave its id.
        Assert.Empty(await db.ViewsInOrderAsync(owners with { UserId = Guid.NewGuid() }, ids, CancellationToken.None));
        Assert.Empty(await db.ViewsInOrderAsync(owners with { WorkspaceId = Guid.NewGuid(), SeesAllSessions = true }, ids, CancellationToken.None));
        Assert.Equal(ids, (await db.ViewsInOrderAsync(owners with { UserId = Guid.NewGuid(), SeesAllSessions = true }, ids, CancellationToken.None)).Select(v => v.Id));
    }

    /// <summary>
    /// A page that is not full is the last one and tells the total itself; a full page, or an
    /// empty one past the first, counts. The totals are the same either way. (On PostgreSQL a page
    /// is its ids, then its sessions; the ids carry the total where the maintained counts answer
    /// it, so only a full page of a search, or an empty page past the last, counts separately.)
    /// </summary>
    [Fact]
    public async Task AShortPage_TellsItsTotal_AndAFullOrEmptyPageCounts()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        for (var i = 0; i < 3; i++)
        {
            await Client.CreateSessionAsync(workspace, owner, extra: new { title = $"short-{i}" });
        }

        await (await Client.GetAsync(workspace.SessionsPath, owner.Token())).ExpectAsync(HttpStatusCode.OK);

        // (query, statements on SQLite, on PostgreSQL, sessions shown, total)
        foreach (var (query, onSqlite, onPostgres, shown, total) in new[]
        {
            ("?limit=2", 2, 2, 2, 3), ("?limit=2&page=2", 1, 2, 1, 3), ("?limit=2&page=3", 2, 2, 0, 3), ("?limit=3", 2, 2, 3, 3),
            ("?limit=4", 1, 2, 3, 3), ("?search=short&limit=2", 2, 3, 2, 3), ("?search=short-1", 1, 2, 1, 1),
            ("?search=nothing-like-it", 1, 1, 0, 0),
        })
        {
            var (page, sent) = await ListCountedAsync(workspace, owner, query);
            Assert.True(sent.Count == (Factory.Database.IsPostgres ? onPostgres : onSqlite), $"{query}: {sent.Count} statements");
            Assert.Equal(shown, page["sessions"]!.AsArray().Count);
            Assert.Equal(total, page["total"]!.GetValue<long>());
        }
    }

    /// <summary>
    /// Where statements are not prepared (SQLite keeps its own; a PostgreSQL pooler in transaction
    /// mode keeps none), a page is one statement: the page joined to its chips, the labels read
    /// from the sessions' rows (ADR 0075).
    /// </summary>
    [Fact]
    public async Task WithoutPreparedStatements_AListPageIsOneJoinedStatement()
    {
        var (_, _, session) = await SetUpAsync();
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        var reads = new SessionReadStore(db, Factory.Services.GetRequiredService<DatabaseOptions>() with { PrepareStatements = false });
        var audience = await OwnerOfAsync(db, session);

        var statements = await Factory.Statements.DuringAsync(async () =>
            Assert.Single((await reads.ListAsync(audience, Unfiltered, SessionSortField.UpdatedAt, SortDirection.Desc, 0, 20, CancellationToken.None)).Sessions));

        var page = Assert.Single(statements);
        Assert.Contains("LIMIT", page, StringComparison.Ordinal);
        Assert.Matches("[.]\"?labels\\b", page);
        Assert.DoesNotContain("session_labels", page, StringComparison.Ordinal);
        Assert.DoesNotContain("-- " + PostgresPreparedStatements.Tag, page, StringComparison.Ordinal);
    }

    /// <summary>
    /// On SQLite a kept statement keeps its plan: new values of its parameters (here a page's
    /// LIMIT and OFFSET, which SQLite otherwise reads while planning) do not make SQLite compile it
    /// again on its next step, so keeping it prepared saves the compiling on every request.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task PagedReads_AreNotCompiledAgain_WhenTheirParametersChange_OnSqlite()
    {
        var (_, _, session) = await SetUpAsync();

        // A context of its own (the service's options, interceptors included) on a connection
        // opened here, so SQLite can list every statement prepared on it.
        await using var db = new SqliteSessionsDbContext(Factory.Services.GetRequiredService<DbContextOptions<SqliteSessionsDbContext>>());
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Handle!.enable_sqlite3_next_stmt(true);
        var reads = new SessionReadStore(db, Factory.Services.GetRequiredService<DatabaseOptions>());
        var audience = await OwnerOfAsync(db, session);

        for (var take = 1; take <= 5; take++)
        {
            Assert.Single((await reads.ListAsync(audience, Unfiltered, SessionSortField.UpdatedAt, SortDirection.Desc, 0, take, CancellationToken.None)).Sessions);
        }

        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_db_config(connection.Handle, raw.SQLITE_DBCONFIG_ENABLE_QPSG, -1, out var stablePlans));
        Assert.Equal(1, stablePlans);
        var kept = 0;
        var recompiled = 0;
        for (var statement = raw.sqlite3_next_stmt(connection.Handle, null); statement is not null; statement = raw.sqlite3_next_stmt(connection.Handle, statement))
        {
            kept++;
            recompiled += raw.sqlite3_stmt_status(statement, StatementStatusRecompiled, 0);
        }

        Assert.InRange(kept, 2, SqliteStatementCache.Capacity);
        Assert.Equal(0, recompiled);
    }

    /// <summary>
    /// On SQLite a statement longer than the kept length (a batch of hundreds of rows) is
    /// finalized after its run, and a short one stays prepared: kept, each such batch held hundreds
    /// of kilobytes of SQLite's memory on its connection for as long as it stayed in the cache.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task AStatementLongerThanTheKeptLength_IsNotKeptPrepared_OnSqlite()
    {
        await using var db = new SqliteSessionsDbContext(Factory.Services.GetRequiredService<DbContextOptions<SqliteSessionsDbContext>>());
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.Handle!.enable_sqlite3_next_stmt(true);
        const string Short = "SELECT 1 WHERE 1 IN (1, 2)";
        var atTheLength = "SELECT 1 WHERE 1 IN (" + new string('1', SqliteStatementCache.MaxKeptLength - 22) + ")";
        var longer = "SELECT 2 WHERE 1 IN (" + new string('1', SqliteStatementCache.MaxKeptLength - 21) + ")";
        Assert.Equal(SqliteStatementCache.MaxKeptLength, atTheLength.Length);
        Assert.Equal(SqliteStatementCache.MaxKeptLength + 1, longer.Length);

        foreach (var sql in new[] { Short, atTheLength, longer })
        {
            await db.Database.ExecuteSqlRawAsync(sql);
        }

        var kept = new List<string>();
        for (var statement = raw.sqlite3_next_stmt(connection.Handle, null); statement is not null; statement = raw.sqlite3_next_stmt(connection.Handle, statement))
        {
            kept.Add(raw.sqlite3_sql(statement).utf8_to_string());
        }

        Assert.Contains(Short, kept);
        Assert.Contains(atTheLength, kept);
        Assert.DoesNotContain(longer, kept);
    }

    /// <summary>An append of tens of messages is short enough to stay prepared on SQLite; a batch of hundreds is not.</summary>
    [ProviderTheory("Sqlite")]
    [InlineData(1, true)]
    [InlineData(50, true)]
    [InlineData(500, false)]
    public async Task AnAppendsStatement_FitsTheKeptLength_UpToTensOfMessages_OnSqlite(int size, bool kept)
    {
        var (workspace, owner, session) = await SetUpAsync();
        var messages = Enumerable.Range(0, size).Select(i => new { role = i % 2 == 0 ? "user" : "assistant", content = $"message {i}", usage = new { input_tokens = i } }).ToArray();

        var appended = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages }), HttpStatusCode.OK);

        var insert = Assert.Single(appended, s => s.Contains("INSERT INTO \"session_messages\"", StringComparison.Ordinal));
        Assert.Equal(kept, insert.Length <= SqliteStatementCache.MaxKeptLength);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(500)]
    public async Task AppendOfABatch_IsAtMostFiveStatements_WhateverItsSize(int size)
    {
        var (workspace, owner, session) = await SetUpAsync();
        var messages = Enumerable.Range(0, size).Select(i => new { id = Guid.NewGuid(), role = i % 2 == 0 ? "user" : "assistant", content = $"message {i}", usage = new { input_tokens = i } }).ToArray();

        var appended = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages }), HttpStatusCode.OK);
        Assert.Equal(["BEGIN", "COMMIT"], Factory.Statements.Transactions);
        var retried = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages }), HttpStatusCode.OK);

        // The same batch again is a retry, answered from a read without a transaction.
        Assert.Empty(Factory.Statements.Transactions);

        // The usage of the day is upserted in the command that inserts the messages; no statement repeats per message.
        Assert.InRange(appended.Count, 1, 5);
        Assert.InRange(retried.Count, 1, 5);
    }

    /// <summary>
    /// A session's system prompt is a row apart (ADR 0073), known to its session by its digest (ADR
    /// 0074): only an export of a session that has one reads it. An append sending the stored prompt
    /// again costs what one without a prompt costs; one sending another prompt writes it without
    /// reading the stored one (a statement of its own on SQLite, in the session's update's batch on
    /// PostgreSQL). A GET, a list page, a freeze, an append without a prompt and an export of a
    /// session without one touch nothing of it, however long it is.
    /// </summary>
    [Fact]
    public async Task OnlyAnExportOfASessionWithAPrompt_ReadsTheSystemPrompt_AndAnAppendWritesOnlyAChangedOne()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var path = workspace.SessionPath(session);
        var prompt = new string('p', 100_000);
        var another = new string('q', 100_000);
        static bool TouchesThePrompt(string statement) => statement.Contains("session_prompts", StringComparison.Ordinal);
        static bool ReadsThePrompt(string statement) => System.Text.RegularExpressions.Regex.IsMatch(statement, "FROM [\\[\"]?session_prompts");
        object Append(string content, string? systemPrompt) =>
            new { context = new { model = "m", system_prompt = systemPrompt }, messages = new[] { new { role = "user", content } } };
        await (await Client.PostAsync(path + "/transcript", owner.Token(), Append("model", null))).ExpectAsync(HttpStatusCode.OK);
        var unprompted = (await Client.CreateSessionAsync(workspace, owner)).Id();
        HttpResponseMessage? exportedNone = null;
        var exportOfNone = await Factory.Statements.DuringAsync(async () => exportedNone = await Client.GetAsync(workspace.SessionPath(unprompted) + "/trajectory?format=openai", owner.Token()));
        Assert.Equal(HttpStatusCode.OK, exportedNone!.StatusCode);

        var without = await CountAsync(() => Client.PostAsync(path + "/transcript", owner.Token(), Append("one", null)), HttpStatusCode.OK);
        var first = await CountAsync(() => Client.PostAsync(path + "/transcript", owner.Token(), Append("two", prompt)), HttpStatusCode.OK);
        var same = await CountAsync(() => Client.PostAsync(path + "/transcript", owner.Token(), Append("three", prompt)), HttpStatusCode.OK);
        var changed = await CountAsync(() => Client.PostAsync(path + "/transcript", owner.Token(), Append("four", another)), HttpStatusCode.OK);
        var get = await CountAsync(() => Client.GetAsync(path, owner.Token()), HttpStatusCode.OK);
        var page = await CountAsync(() => Client.GetAsync(workspace.SessionsPath, owner.Token()), HttpStatusCode.OK);
        var freeze = await CountAsync(() => Client.PostAsync(path + "/freeze", owner.Token()), HttpStatusCode.OK);
        HttpResponseMessage? exported = null;
        var export = await Factory.Statements.DuringAsync(async () => exported = await Client.GetAsync(path + "/trajectory?format=openai", owner.Token()));

        Assert.All(new[] { first, changed }, append => Assert.Contains(append, TouchesThePrompt));
        Assert.All(new[] { first, changed }, append => Assert.InRange(append.Count, without.Count, without.Count + 1));
        Assert.Equal(without.Count, same.Count);
        Assert.All(new[] { without, same, get, page, freeze, exportOfNone }, statements => Assert.DoesNotContain(statements, TouchesThePrompt));
        Assert.All(new[] { first, changed }, append => Assert.DoesNotContain(append, ReadsThePrompt));
        Assert.Contains(export, ReadsThePrompt);
        Assert.Equal(HttpStatusCode.OK, exported!.StatusCode);
        var messages = JsonNode.Parse(await exported.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(("system", another), ((string?)messages[0]!["role"], (string?)messages[0]!["content"]));
        Assert.Equal(6, messages.Count);
    }

    /// <summary>
    /// A read answers with the label map on the session's row (ADR 0075): a GET by id or prefix, a
    /// list page in any order, a repeated freeze and an export read no label row. A label filter
    /// reads them, and a change of the labels writes them with the map.
    /// </summary>
    [Fact]
    public async Task Reads_AnswerWithTheLabelMapOnTheRow_AndOnlyLabelFiltersAndChangesTouchTheLabelRows()
    {
        var (workspace, owner, _) = await SetUpAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"], ["env"] = ["dev"] };
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        var path = workspace.SessionPath(session);
        await (await Client.PostAsync(path + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        static bool TouchesTheLabelRows(string statement) => statement.Contains("session_labels", StringComparison.Ordinal);
        var answers = new List<JsonNode>();
        async Task<HttpResponseMessage> Answered(Task<HttpResponseMessage> request)
        {
            var response = await request;
            answers.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
            return response;
        }

        var reads = new[]
        {
            await CountAsync(() => Answered(Client.GetAsync(path, owner.Token())), HttpStatusCode.OK),
            await CountAsync(() => Answered(Client.GetAsync(workspace.SessionPath(session.ToString()[..8]), owner.Token())), HttpStatusCode.OK),
            await CountAsync(() => Answered(Client.PostAsync(path + "/freeze", owner.Token())), HttpStatusCode.OK),
            await CountAsync(() => Client.GetAsync(workspace.SessionsPath, owner.Token()), HttpStatusCode.OK),
            await CountAsync(() => Client.GetAsync(workspace.SessionsPath + "?sort_by=last_message_at", owner.Token()), HttpStatusCode.OK),
        };
        HttpResponseMessage? exported = null;
        var export = await Factory.Statements.DuringAsync(async () => exported = await Client.GetAsync(path + "/trajectory?format=openai", owner.Token()));
        var filtered = await CountAsync(() => Client.GetAsync(workspace.SessionsPath + "?label=env:dev", owner.Token()), HttpStatusCode.OK);
        var relabelled = await CountAsync(() => Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new { tier = new[] { "gold" } } }), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, exported!.StatusCode);
        Assert.All(reads.Append(export), statements => Assert.DoesNotContain(statements, TouchesTheLabelRows));
        Assert.All(answers, answer => Assert.Equal("""{"team":["red","blue"],"env":["dev"]}""", answer["labels"]!.ToJsonString()));
        Assert.Contains(filtered, TouchesTheLabelRows);
        Assert.Contains(relabelled, TouchesTheLabelRows);
        Assert.Equal("""{"tier":["gold"]}""", (await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK))["labels"]!.ToJsonString());
        Assert.Empty(await ListedAsync("?label=env:dev"));
        Assert.Equal([session], await ListedAsync("?label=tier:gold"));

        async Task<List<Guid>> ListedAsync(string query) =>
            [.. (await (await Client.GetAsync(workspace.SessionsPath + query, owner.Token())).ExpectAsync(HttpStatusCode.OK))["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>()))];
    }

    /// <summary>
    /// A command loads a session's label rows only to change its labels (ADR 0076): pinning,
    /// appending, archiving, sharing, freezing and deleting a labelled session, one by one and in
    /// bulk, send no statement about <c>session_labels</c>, and the facets, which count by the map,
    /// and the label filter, which reads the rows, still agree after each.
    /// </summary>
    [Fact]
    public async Task CommandsOtherThanARelabel_LeaveTheLabelRowsUnread_AndTheCountsFollow()
    {
        var (workspace, owner, _) = await SetUpAsync();
        var labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"] };
        var kept = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        var deleted = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        var bulk = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id();
        var path = workspace.SessionPath(kept);
        var message = new { messages = new[] { new { role = "user", content = "hi" } } };

        var commands = new[]
        {
            await CountAsync(() => Client.PostAsync(path + "/pin", owner.Token()), HttpStatusCode.OK),
            await CountAsync(() => Client.PostAsync(path + "/transcript", owner.Token(), message), HttpStatusCode.OK),
            await CountAsync(() => Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { visibility = "workspace", title = "t2" }), HttpStatusCode.OK),
            await CountAsync(() => Client.PostAsync(path + "/archive", owner.Token()), HttpStatusCode.OK),
            await CountAsync(() => Client.PostAsync(path + "/freeze", owner.Token()), HttpStatusCode.OK),
            await CountAsync(() => Client.PostAsync(workspace.SessionsPath + "/bulk-freeze", owner.Token(), new { session_ids = new[] { bulk } }), HttpStatusCode.OK),
            await Factory.Statements.DuringAsync(async () => Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(deleted), owner.Token())).StatusCode)),
        };

        Assert.All(commands, statements => Assert.NotEmpty(statements));
        Assert.All(commands, statements => Assert.DoesNotContain(statements, statement => statement.Contains("session_labels", StringComparison.Ordinal)));
        var facets = await (await Client.GetAsync(workspace.SessionsPath + "/facets?archived=any", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"team":[{"value":"blue","count":2},{"value":"red","count":2}]}""", facets["labels"]!.ToJsonString());
        var unarchived = await (await Client.GetAsync(workspace.SessionsPath + "/facets", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"team":[{"value":"blue","count":1},{"value":"red","count":1}]}""", unarchived["labels"]!.ToJsonString());
        var listed = await (await Client.GetAsync(workspace.SessionsPath + "?label=team:red&archived=any", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { bulk, kept }.Order(), listed["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>())).Order());
        Assert.Equal("""{"team":["red","blue"]}""", (await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK))["labels"]!.ToJsonString());
        Assert.Equal(2, await LabelRowsAsync(kept));
        Assert.Equal(0, await LabelRowsAsync(deleted));

        Task<int> LabelRowsAsync(Guid id) =>
            Factory.WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM session_labels WHERE session_id = {id}").SingleAsync());
    }

    /// <summary>
    /// A save's counts drop only rows of their own that are at zero, named by their keys: a create,
    /// whose counts only rise, drops none; an archive, which moves each of the session's counts to
    /// the archived state, drops the rows it left, and those of another session stay. No save reads
    /// the workspace's other count rows (ADR 0087).
    /// </summary>
    [Fact]
    public async Task ACountUpsert_DropsOnlyTheRowsItTookFrom_ThatAreAtZero()
    {
        var (workspace, owner, other) = await SetUpAsync();
        var id = Guid.NewGuid();
        var labels = new { team = new[] { "red" } };

        var created = await Factory.Statements.DuringAsync(() => Client.CreateSessionAsync(workspace, owner, id, new { labels }));
        var archived = await CountAsync(() => Client.PostAsync(workspace.SessionPath(id) + "/archive", owner.Token()), HttpStatusCode.OK);

        Assert.DoesNotContain("DELETE", Assert.Single(created, IsCountUpsert), StringComparison.Ordinal);
        var moved = Assert.Single(archived, IsCountUpsert);
        Assert.Matches(@"\nDELETE FROM session_counts WHERE count = 0 AND \(\(workspace_id = @c\d+ AND dimension = @c\d+", moved);
        var zeros = await Factory.WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM session_counts WHERE count = 0").SingleAsync());
        Assert.Equal(0, zeros);
        var facets = await (await Client.GetAsync(workspace.SessionsPath + "/facets?archived=any", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"team":[{"value":"red","count":1}]}""", facets["labels"]!.ToJsonString());
        var active = await (await Client.GetAsync(workspace.SessionsPath, owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(other, Guid.Parse(Assert.Single(active["sessions"]!.AsArray())!["id"]!.GetValue<string>()));
        Assert.Equal(1, active["total"]!.GetValue<int>());

        static bool IsCountUpsert(string statement) => statement.Contains("INSERT INTO session_counts", StringComparison.Ordinal);
    }

    /// <summary>
    /// An item under a new dedupe key looks its key up once when nothing changed the session
    /// between its read and its write (every recorded item moves the session's version); the same
    /// key again is answered from the read, without a write.
    /// </summary>
    [Fact]
    public async Task RecordingAKeyedItem_LooksItsKeyUpOnce_AndItsRepeatIsAnsweredFromTheRead()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var item = new { item_type = "finding", data = new { severity = "high" }, dedupe_key = "finding-1" };

        var recorded = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), item), HttpStatusCode.Created);
        var repeated = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), item), HttpStatusCode.OK);

        // The read, the key's lookup, the load in the write turn, the item, the session's version, the event.
        Assert.Single(recorded, s => System.Text.RegularExpressions.Regex.IsMatch(s, "dedupe_key\"? = @"));
        Assert.InRange(recorded.Count, 1, 6);
        Assert.InRange(repeated.Count, 1, 2);
    }

    /// <summary>
    /// On SQLite a statement run again reuses its prepared command: each pooled context keeps its
    /// connection and prepared commands open, so forty reads run on as many commands as there are
    /// contexts, not forty (without the cache every read prepares a new one). Npgsql recycles its
    /// command objects as well, so the bound holds on PostgreSQL too.
    /// </summary>
    [Fact]
    public async Task RepeatedReads_ReuseTheirPreparedCommand()
    {
        var (workspace, owner, session) = await SetUpAsync();

        Factory.Statements.Reset();
        for (var i = 0; i < 40; i++)
        {
            await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        }

        var commands = Factory.Statements.Commands;
        Assert.Equal(40, commands.Count);
        Assert.InRange(commands.Distinct(ReferenceEqualityComparer.Instance).Count(), 1, 20);
    }

    /// <summary>
    /// The one-session read, the lock-and-load, an unfiltered list page (its total and its page's
    /// ids) and the sessions of any page are tagged to be prepared; on PostgreSQL they are then
    /// prepared statements of the connection that ran them (parsed once per connection), and a
    /// search or any other untagged query is not.
    /// </summary>
    [Fact]
    public async Task OneSessionReads_AndUnfilteredListPages_ArePreparedOnPostgres()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var statements = await CountAsync(() => Client.GetAsync(workspace.SessionPath(session), owner.Token()), HttpStatusCode.OK);
        Assert.StartsWith("-- " + PostgresPreparedStatements.Tag, Assert.Single(statements), StringComparison.Ordinal);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        await db.Database.OpenConnectionAsync();
        Assert.True(SessionReference.TryParse(session.ToString(), out var reference));
        var reads = scope.ServiceProvider.GetRequiredService<ISessionReadStore>();
        var audience = await OwnerOfAsync(db, session);
        Assert.True((await reads.FindAsync(audience, reference, CancellationToken.None)).IsSuccess);
        // A full page (one of one), so its total is counted by a statement of its own; run more
        // than five times, so PostgreSQL has had the custom plans it makes before it may settle.
        for (var run = 0; run < 8; run++)
        {
            Assert.Single((await reads.ListAsync(audience, Unfiltered, SessionSortField.UpdatedAt, SortDirection.Desc, 0, 1, CancellationToken.None)).Sessions);
        }

        Assert.Empty((await reads.ListAsync(audience, Unfiltered with { Search = "no such session" }, SessionSortField.UpdatedAt, SortDirection.Desc, 0, 20, CancellationToken.None)).Sessions);

        if (Factory.Database.IsPostgres)
        {
            var prepared = await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync();
            // Beside the tagged reads, a connection keeps the writes of the saves it ran (ADR 0087).
            Assert.All(prepared, statement => Assert.True(
                statement.Contains("-- " + PostgresPreparedStatements.Tag + "\n", StringComparison.Ordinal) || WriteByKey().IsMatch(statement),
                statement));
            Assert.Contains(prepared, statement => statement.Contains("LEFT JOIN users", StringComparison.Ordinal) && !statement.Contains("ANY (", StringComparison.Ordinal));
            Assert.Contains(prepared, statement => statement.Contains("ORDER BY s.updated_at DESC", StringComparison.Ordinal) && statement.Contains("LIMIT", StringComparison.Ordinal));
            Assert.Contains(prepared, statement => statement.Contains("FROM session_counts", StringComparison.Ordinal));
            var views = Assert.Single(prepared, statement => statement.Contains("LEFT JOIN users", StringComparison.Ordinal) && statement.Contains("ANY (", StringComparison.Ordinal));

            // The sessions of a page are one statement whatever the ids, planned once (a generic plan).
            var genericPlans = await db.Database.SqlQueryRaw<long>("SELECT generic_plans AS \"Value\" FROM pg_prepared_statements WHERE statement = {0}", views).SingleAsync();
            Assert.True(genericPlans > 0, "the sessions of a page are planned anew on every run");
            Assert.DoesNotContain(prepared, statement => statement.Contains("LIKE", StringComparison.Ordinal));

            // Npgsql was handed them with positional parameters, so it did not read their texts
            // for named ones on every run (ADR 0080); the search, untagged, kept its names.
            var commands = Factory.Statements.Executed;
            var tagged = commands.Where(command => command.Text.StartsWith("-- " + PostgresPreparedStatements.Tag, StringComparison.Ordinal)).ToList();
            Assert.True(tagged.Count >= 4, $"{tagged.Count} tagged statements ran");
            Assert.All(tagged, command =>
            {
                Assert.Contains("$1", command.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("@", command.Text, StringComparison.Ordinal);
                Assert.All(command.ParameterNames, name => Assert.Equal(string.Empty, name));
            });
            Assert.Contains(commands, command => command.Text.Contains("LIKE", StringComparison.Ordinal)
                && command.ParameterNames.All(name => name.Length > 0));
        }
    }

    /// <summary>
    /// On PostgreSQL a change of one session writes with prepared statements (ADR 0087): EF Core's
    /// save (a create's insert, an append's messages and event, the session's update) and the
    /// upserts of kept sums of a few rows (a create's counts, an append's usage day), so the server
    /// parses each form once per connection. A count upsert of more parameters than
    /// <see cref="RowWriter.MaxPreparedParameters"/> (a create with twenty label values) is planned
    /// where it runs, as is every statement of a search, whose forms are many.
    /// </summary>
    [Fact]
    public async Task AChangeOfOneSession_WritesWithPreparedStatements_OnPostgres()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        await Client.CreateSessionAsync(workspace, owner);
        var id = Guid.NewGuid();

        Factory.Statements.Reset();
        await Client.CreateSessionAsync(workspace, owner, id, new { labels = new { team = new[] { "red" }, env = new[] { "prod" } } });
        var created = Factory.Statements.Executed;
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "question" }, new { role = "assistant", content = "answer", usage = new { input_tokens = 12 } });
        var appended = Factory.Statements.Executed.Skip(created.Count).ToList();
        Factory.Statements.Reset();
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new { team = Enumerable.Range(0, SessionRules.MaxLabelValues).Select(i => $"t{i}").ToArray() } });
        var manyCounts = Factory.Statements.Executed;
        Factory.Statements.Reset();
        await (await Client.GetAsync(workspace.SessionsPath + "?search=question", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var searched = Factory.Statements.Executed;

        if (Factory.Database.IsPostgres)
        {
            Assert.True(Written(created, "INSERT INTO sessions").Prepared);
            Assert.True(Written(created, "INSERT INTO session_counts").Prepared);
            Assert.All(
                ["INSERT INTO session_messages", "INSERT INTO outbox_messages", "UPDATE sessions", "INSERT INTO session_usage_days"],
                write => Assert.True(Written(appended, write).Prepared, write));
            Assert.False(Written(manyCounts, "INSERT INTO session_counts").Prepared);
            Assert.NotEmpty(searched);
            Assert.All(searched, statement => Assert.False(statement.Prepared, statement.Text));
        }
    }

    /// <summary>
    /// On PostgreSQL a save's kept sums ride in the first command of its batch, behind its own
    /// writes (ADR 0090): a create's counts with its row, an append's usage day with its messages,
    /// an archive's counts and their drop with its update. That command ends with them, so its
    /// writes go first. Counts too many to prepare go in a command of their own, as on the other
    /// databases. What they wrote is what the facets and the usage read.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task OnPostgres_ASavesKeptSums_RideInTheCommandOfItsOwnWrites()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = Guid.NewGuid();
        await Client.CreateSessionAsync(workspace, owner);

        Factory.Statements.Reset();
        await Client.CreateSessionAsync(workspace, owner, id, new { model = "m1", labels = new { team = new[] { "red" } } });
        var created = Factory.Statements.Executed;
        Factory.Statements.Reset();
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "question" }, new { role = "assistant", content = "answer", usage = new { input_tokens = 12 } });
        var appended = Factory.Statements.Executed;
        Factory.Statements.Reset();
        await (await Client.PostAsync(workspace.SessionPath(id) + "/archive", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var archived = Factory.Statements.Executed;
        Factory.Statements.Reset();
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new { team = Enumerable.Range(0, SessionRules.MaxLabelValues).Select(i => $"t{i}").ToArray() } });
        var manyCounts = Factory.Statements.Executed;

        var create = Written(created, "INSERT INTO sessions ");
        Assert.Matches(@"INSERT INTO session_counts [^;]+ON CONFLICT [^;]+;\s*$", create.Text);
        Assert.True(create.Prepared);
        var append = Written(appended, "INSERT INTO session_messages");
        Assert.Matches(@"INSERT INTO session_usage_days [^;]+ON CONFLICT [^;]+;\s*$", append.Text);
        Assert.Contains("UPDATE sessions", append.Text, StringComparison.Ordinal);
        Assert.InRange(append.Text.IndexOf("UPDATE sessions", StringComparison.Ordinal), 0, append.Text.IndexOf("INSERT INTO session_usage_days", StringComparison.Ordinal));
        var archive = Written(archived, "UPDATE sessions");
        Assert.Matches(@"INSERT INTO session_counts [^;]+ON CONFLICT [^;]+;\s*DELETE FROM session_counts WHERE count = 0 [^;]+;\s*$", archive.Text);
        Assert.DoesNotContain("INSERT INTO sessions ", Written(manyCounts, "INSERT INTO session_counts").Text, StringComparison.Ordinal);

        var facets = await (await Client.GetAsync(workspace.SessionsPath + "/facets?archived=archived", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"team":[{"value":"red","count":1}]}""", facets["labels"]!.ToJsonString());
        var usage = await (await Client.GetAsync(workspace.SessionsPath + "/usage?group_by=model&archived=any", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(12, usage["totals"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(2, usage["totals"]!["message_count"]!.GetValue<long>());
    }

    /// <summary>
    /// An archive whose version check fails (another connection changed the session between its
    /// load and its save) has sent its counts' upsert in the same command on PostgreSQL; the save
    /// fails, the transaction rolls that back, and the rerun moves the session's counts once: the
    /// facets count it archived once and active no more.
    /// </summary>
    [Fact]
    public async Task AnArchiveThatLosesItsVersionCheck_MovesItsCountsOnce()
    {
        var (workspace, owner, session) = await SetUpAsync();
        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new { team = new[] { "red" } } })).ExpectAsync(HttpStatusCode.OK);
        var archived = await (await PostWithAWriterInBetweenAsync(workspace.SessionPath(session) + "/archive", owner, ChangedMeanwhile(session))).ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(archived["archived_at"]);
        Assert.Equal("changed meanwhile", archived["title"]!.GetValue<string>());
        var updates = Factory.Statements.Statements.Where(IsSessionUpdate).ToList();
        Assert.Equal(2, updates.Count);
        Assert.Equal(["BEGIN", "BEGIN", "COMMIT"], Factory.Statements.Transactions);
        if (Factory.Database.IsPostgres)
        {
            Assert.All(updates, update => Assert.Contains("INSERT INTO session_counts", update, StringComparison.Ordinal));
        }

        var inArchive = await (await Client.GetAsync(workspace.SessionsPath + "/facets?archived=archived", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"team":[{"value":"red","count":1}]}""", inArchive["labels"]!.ToJsonString());
        var active = await (await Client.GetAsync(workspace.SessionsPath + "/facets", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("{}", active["labels"]!.ToJsonString());
    }

    /// <summary>A change of the session's title that moves its version, as another writer makes it.</summary>
    private static string ChangedMeanwhile(Guid session) =>
        $"UPDATE sessions SET title = 'changed meanwhile', version = version + 1 WHERE id_text = '{session}'";

    /// <summary>
    /// Posts to <paramref name="path"/> while another connection holds <paramref name="change"/> (an
    /// update of the session's row) uncommitted, and commits it once the request has sent its find
    /// and its load: the request's save meets a row it did not load. The statements counted are
    /// the request's alone.
    /// </summary>
    private async Task<HttpResponseMessage> PostWithAWriterInBetweenAsync(string path, TestUser owner, string change)
    {
        await using var connection = await Factory.Database.OpenOutsideThePoolAsync();
        await using var writer = await connection.BeginTransactionAsync();
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = writer;
            update.CommandText = change;
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        Factory.Statements.Reset();
        var request = Client.PostAsync(path, owner.Token());
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Factory.Statements.Count < 2 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        // The find and the load have been sent (on PostgreSQL the update may be waiting for the row too).
        Assert.InRange(Factory.Statements.Count, 2, 3);
        await Task.Delay(200);
        await writer.CommitAsync();
        return await request;
    }

    /// <summary>The one command that sent <paramref name="write"/> among <paramref name="statements"/>.</summary>
    private static ExecutedStatement Written(IEnumerable<ExecutedStatement> statements, string write) =>
        Assert.Single(statements, statement => statement.Text.Contains(write, StringComparison.Ordinal));

    /// <summary>
    /// The first page of the default size, the page a frontend opens with, carries its limit as a
    /// literal and no offset, so PostgreSQL settles on one plan for its prepared statement (a
    /// parameter for either makes it plan the page on every run); any other page carries both as
    /// parameters, so the prepared statements stay a few fixed forms (ADR 0036). So in the order of
    /// the last message, whose page is found in a subquery of two walks (ADR 0057).
    /// </summary>
    [Theory]
    [InlineData(SessionSortField.UpdatedAt, "ORDER BY s.updated_at DESC")]
    [InlineData(SessionSortField.LastMessageAt, "ORDER BY u.\"LastMessageAt\" IS NULL, u.\"LastMessageAt\" DESC")]
    public async Task TheFirstPageOfTheDefaultSize_IsPlannedOnceOnPostgres(SessionSortField sort, string ordered)
    {
        var (_, _, session) = await SetUpAsync();
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        await db.Database.OpenConnectionAsync();
        var reads = scope.ServiceProvider.GetRequiredService<ISessionReadStore>();
        var audience = await OwnerOfAsync(db, session);

        var first = await Factory.Statements.DuringAsync(async () =>
        {
            for (var run = 0; run < 8; run++)
            {
                Assert.Single((await reads.ListAsync(audience, Unfiltered, sort, SortDirection.Desc, 0, ListSessionsQuery.DefaultLimit, CancellationToken.None)).Sessions);
            }
        });
        var later = await Factory.Statements.DuringAsync(async () =>
            Assert.Empty((await reads.ListAsync(audience, Unfiltered, sort, SortDirection.Desc, ListSessionsQuery.DefaultLimit, ListSessionsQuery.DefaultLimit, CancellationToken.None)).Sessions));
        var smaller = await Factory.Statements.DuringAsync(async () =>
            Assert.Single((await reads.ListAsync(audience, Unfiltered, sort, SortDirection.Desc, 0, 5, CancellationToken.None)).Sessions));

        if (Factory.Database.IsPostgres)
        {
            var page = first.Distinct().Single(statement => statement.Contains(ordered, StringComparison.Ordinal));
            Assert.Contains($"LIMIT {ListSessionsQuery.DefaultLimit}", page, StringComparison.Ordinal);
            Assert.DoesNotContain("OFFSET", page, StringComparison.Ordinal);
            Assert.All([.. later, .. smaller], statement => Assert.DoesNotContain($"LIMIT {ListSessionsQuery.DefaultLimit}", statement, StringComparison.Ordinal));
            Assert.Contains(later, statement => statement.Contains("OFFSET $", StringComparison.Ordinal));

            var genericPlans = await db.Database.SqlQueryRaw<long>(
                "SELECT generic_plans AS \"Value\" FROM pg_prepared_statements WHERE strpos(statement, {0}) > 0 AND statement NOT LIKE '%OFFSET%'", ordered).SingleAsync();
            Assert.True(genericPlans > 0, "the first page is planned anew on every run");
        }
        else
        {
            // SQLite keeps its plans whatever the values (ADR 0028): every page carries parameters.
            Assert.All([.. first, .. later, .. smaller], statement => Assert.DoesNotContain($"LIMIT {ListSessionsQuery.DefaultLimit}", statement, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A living session's trail page is one statement when every event on it carries its life. An
    /// event stored without one (before events carried it) adds the read of where the living life
    /// ends (the first later creation of another life), and the page is the same.
    /// </summary>
    [Fact]
    public async Task ALivingTrailPage_ReadsWhereItsLifeEnds_OnlyWhenAnEventCarriesNoLife()
    {
        var (workspace, owner, session) = await SetUpAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "hello" });
        var path = workspace.SessionPath(session) + "/events";
        await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK);

        JsonObject? tagged = null, untagged = null;
        var withLives = await Factory.Statements.DuringAsync(async () => tagged = await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK));
        await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == session && o.Type == "TranscriptAppended")
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.LifeCreatedAt, (DateTime?)null)));
        var withoutOne = await Factory.Statements.DuringAsync(async () => untagged = await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK));

        Assert.Equal(2, tagged!["events"]!.AsArray().Count);
        Assert.Equal(tagged.ToJsonString(), untagged!.ToJsonString());
        Assert.DoesNotContain(withLives, s => s.Contains("MIN(", StringComparison.OrdinalIgnoreCase));
        Assert.Single(withoutOne, s => s.Contains("MIN(", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(withLives.Count + 1, withoutOne.Count);
    }

    /// <summary>The session's owner, as a member of its workspace sees sessions.</summary>
    private static async Task<SessionAudience> OwnerOfAsync(SessionsDbContext db, Guid session)
    {
        var owner = await db.Sessions.Where(s => s.Id == session).Select(s => new { s.WorkspaceId, s.UserId }).SingleAsync();
        return new SessionAudience(owner.WorkspaceId, owner.UserId, false);
    }

    /// <summary>
    /// A group listing whose page is not full tells its total from the page: the groups' page and the
    /// grouped page count no groups beside it (the grouped page counts the sessions of no group, for
    /// that bucket of its page). A full page counts its listing's groups in a statement of its own.
    /// </summary>
    [Fact]
    public async Task AGroupListingWhosePageIsNotFull_CountsNoGroupsBesideIt()
    {
        var (workspace, owner, _) = await SetUpAsync();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = await Client.CreateGroupAsync(workspace, owner) });
        }

        // The grouped page has a bucket more than there are groups: SetUpAsync's session, in no group.
        foreach (var (listing, total) in new[] { ("/groups", 2), ("/grouped", 3) })
        {
            var (page, statements) = await ListCountedAsync(workspace, owner, listing);
            Assert.Equal(total, page["total"]!.GetValue<int>());
            Assert.DoesNotContain(statements, statement => GroupsCounted().IsMatch(statement));

            var (full, counted) = await ListCountedAsync(workspace, owner, listing + "?limit=1");
            Assert.Equal(total, full["total"]!.GetValue<int>());
            Assert.Single(counted, statement => GroupsCounted().IsMatch(statement));
        }
    }

    /// <summary>
    /// A page of groups and one group read their sessions' latest generation in the statement that
    /// sums their counts and usage, not in one of its own (ADR 0083).
    /// </summary>
    [Fact]
    public async Task AGroupsLatestGeneration_IsReadInTheStatementOfItsSums()
    {
        var (workspace, owner, _) = await SetUpAsync();
        var groups = new List<string>();
        foreach (var tokens in new[] { 100, 200 })
        {
            groups.Add(await Client.CreateGroupAsync(workspace, owner));
            var session = await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = groups[^1] });
            await Client.AppendAsync(workspace, owner, session.Id(), new { role = "assistant", content = "hi", usage = new { input_tokens = tokens, output_tokens = 1 } });
        }

        var (page, listed) = await ListCountedAsync(workspace, owner, "/groups");
        var (one, read) = await ListCountedAsync(workspace, owner, $"/groups/{groups[1]}");

        Assert.Equal([200L, 100L], page["groups"]!.AsArray().Select(g => g!["usage"]!["last_generation_input_tokens"]!.GetValue<long>()));
        Assert.Equal(200, one["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<long>());
        Assert.All([listed, read], statements => Assert.Contains("SUM(", Assert.Single(statements, statement => LatestGeneration().IsMatch(statement)), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A listing of the workspace with this query, and the statements it sent.</summary>
    private async Task<(JsonObject Page, IReadOnlyList<string> Statements)> ListCountedAsync(TestWorkspace workspace, TestUser caller, string query)
    {
        JsonObject? page = null;
        var statements = await Factory.Statements.DuringAsync(async () =>
            page = await (await Client.GetAsync(workspace.SessionsPath + query, caller.Token())).ExpectAsync(HttpStatusCode.OK));
        return (page!, statements);
    }

    /// <summary>An update of the sessions table (SQLite quotes the name, PostgreSQL does not need to).</summary>
    private static bool IsSessionUpdate(string statement) => statement.Contains("UPDATE \"sessions\" SET", StringComparison.Ordinal) || statement.Contains("UPDATE sessions SET", StringComparison.Ordinal);

    /// <summary>
    /// A message search matches every message of the transcript (no index of message text): a first
    /// page that holds every match is its own count, and the transcript is matched once; a full page
    /// (or a later one) counts the matches in a statement of its own, in the same snapshot.
    /// </summary>
    [Fact]
    public async Task AMessageSearchWhoseFirstPageHoldsEveryMatch_MatchesTheTranscriptOnce()
    {
        var (workspace, owner, session) = await SetUpAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "needle one" }, new { role = "assistant", content = "hay" }, new { role = "user", content = "needle two" });
        var search = workspace.SessionPath(session) + "/messages/search?q=needle";

        var all = await CountAsync(() => Client.GetAsync(search, owner.Token()), HttpStatusCode.OK);
        var full = await CountAsync(() => Client.GetAsync(search + "&limit=1", owner.Token()), HttpStatusCode.OK);
        var later = await CountAsync(() => Client.GetAsync(search + "&after_seq=1", owner.Token()), HttpStatusCode.OK);
        var answer = await Client.GetAsync(search, owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var fullAnswer = await Client.GetAsync(search + "&limit=1", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Single(all, IsMessageCount(false));
        Assert.Single(full, IsMessageCount(true));
        Assert.Single(later, IsMessageCount(true));
        Assert.Equal(full.Count - 1, all.Count);
        Assert.Equal((2, 2, false), (answer["total"]!.GetValue<int>(), answer["matches"]!.AsArray().Count, answer["has_more"]!.GetValue<bool>()));
        Assert.Equal((2, 1, true), (fullAnswer["total"]!.GetValue<int>(), fullAnswer["matches"]!.AsArray().Count, fullAnswer["has_more"]!.GetValue<bool>()));

        static Predicate<string> IsMessageCount(bool counts) =>
            statement => statement.Contains("session_messages", StringComparison.Ordinal) && statement.Contains("COUNT(", StringComparison.OrdinalIgnoreCase) == counts;
    }

    /// <summary>HEAD on an export answers its header fields without reading the transcript or the trail (the server would discard them).</summary>
    [Fact]
    public async Task HeadOnAnExport_ReadsNoMessage()
    {
        var (workspace, owner, session) = await SetUpAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "q" });
        using var request = new HttpRequestMessage(HttpMethod.Head, workspace.SessionPath(session) + "/trajectory?format=native&download=true");
        request.Headers.Authorization = new("Bearer", owner.Token());
        HttpResponseMessage? response = null;

        var statements = await Factory.Statements.DuringAsync(async () => response = await Client.SendAsync(request));
        var get = await Factory.Statements.DuringAsync(async () => await Client.GetAsync(workspace.SessionPath(session) + "/trajectory?format=native", owner.Token()));

        Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
        Assert.Equal($"attachment; filename=\"session-{session}.native.json\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.DoesNotContain(statements, s => s.Contains("session_messages", StringComparison.Ordinal) || s.Contains("outbox_messages", StringComparison.Ordinal));
        Assert.Contains(get, s => s.Contains("session_messages", StringComparison.Ordinal));
    }

    /// <summary>HEAD on a session's items answers its header fields without reading the items; GET reads them a page at a time.</summary>
    [Fact]
    public async Task HeadOnItems_ReadsNoItem_WhileGetReadsThemByPages()
    {
        var (workspace, owner, session) = await SetUpAsync();
        for (var i = 0; i < 15; i++)
        {
            await (await Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), new { item_type = "score", data = new { i } })).ExpectAsync(HttpStatusCode.Created);
        }

        using var request = new HttpRequestMessage(HttpMethod.Head, workspace.SessionPath(session) + "/items");
        request.Headers.Authorization = new("Bearer", owner.Token());
        HttpResponseMessage? response = null;

        var head = await Factory.Statements.DuringAsync(async () => response = await Client.SendAsync(request));
        var get = await Factory.Statements.DuringAsync(async () => Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(workspace.SessionPath(session) + "/items", owner.Token())).StatusCode));

        Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(head, s => s.Contains("session_items", StringComparison.Ordinal));
        Assert.Equal(2, get.Count(s => s.Contains("session_items", StringComparison.Ordinal)));
    }

    private Task<IReadOnlyList<string>> CountAsync(Func<Task<HttpResponseMessage>> request, HttpStatusCode expected) =>
        Factory.Statements.DuringAsync(async () => await (await request()).ExpectAsync(expected));

    private async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session)> SetUpAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        return (workspace, owner, session);
    }

    /// <summary>A count of groups (SQLite quotes the table's name, PostgreSQL does not need to).</summary>
    [GeneratedRegex(@"^(?:--[^\n]*\n)*\s*SELECT COUNT\(\*\)(?:::bigint)?\s+FROM ""?session_groups\b", RegexOptions.IgnoreCase)]
    private static partial Regex GroupsCounted();

    /// <summary>A save's statements: an insert, or an update or delete of rows by their keys.</summary>
    [GeneratedRegex(@"^\s*(?:INSERT INTO|UPDATE|DELETE FROM) ")]
    private static partial Regex WriteByKey();

    /// <summary>The order of a group's sessions by their latest generation, its time known first.</summary>
    [GeneratedRegex(@"last_generation_at""? IS NOT NULL DESC")]
    private static partial Regex LatestGeneration();
}
