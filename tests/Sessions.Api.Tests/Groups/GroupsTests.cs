using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Groups;

/// <summary>Session groups (CONTRACT §5.5) over HTTP: create, read, change, list and the grouped listing.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class GroupsTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task Create_Answers201WithTheSummaryAndLocation_AndRecordsTheEvent()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var project = Guid.NewGuid();
        var evaluation = Guid.NewGuid();
        var (item, attempt, runtime) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var response = await Client.PostAsync(GroupsPath(workspace), creator.Token(), new
        {
            kind = "evaluation_item",
            project_id = project,
            title = "Run 7",
            capability = "triage",
            capability_version = "1.2",
            worker = "w-1",
            evaluation_id = evaluation,
            evaluation_item_id = item,
            evaluation_item_attempt_id = attempt,
            runtime_id = runtime,
            metadata = new { seed = 7, tags = new[] { "a" } },
        });
        var group = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(
            ["id", "kind", "project_id", "title", "status", "capability", "capability_version", "worker", "evaluation_id", "evaluation_item_id",
             "evaluation_item_attempt_id", "runtime_id", "metadata", "created_by", "created_at", "updated_at", "completed_at", "session_count",
             "active_session_count", "usage"],
            group.Select(p => p.Key));
        Assert.Equal($"{GroupsPath(workspace)}/{group["id"]}", response.Headers.Location!.OriginalString);
        Assert.Equal("evaluation_item", group["kind"]!.GetValue<string>());
        Assert.Equal("running", group["status"]!.GetValue<string>());
        Assert.Equal(project.ToString(), group["project_id"]!.GetValue<string>());
        Assert.Equal(evaluation.ToString(), group["evaluation_id"]!.GetValue<string>());
        Assert.Equal(
            ["Run 7", "triage", "1.2", "w-1", item.ToString(), attempt.ToString(), runtime.ToString()],
            new[] { "title", "capability", "capability_version", "worker", "evaluation_item_id", "evaluation_item_attempt_id", "runtime_id" }.Select(field => group[field]!.GetValue<string>()));
        Assert.Null(group["completed_at"]);
        Assert.Equal("""{"seed":7,"tags":["a"]}""", group["metadata"]!.ToJsonString());
        Assert.Equal(creator.Email, group["created_by"]!["email"]!.GetValue<string>());
        Assert.Equal(0, group["session_count"]!.GetValue<int>());
        Assert.Null(group["usage"]!["last_generation_input_tokens"]);
        Assert.Equal("0", group["usage"]!["total_input_tokens"]!.ToJsonString());

        var read = await Client.GetAsync(response.Headers.Location.OriginalString, creator.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(group.ToJsonString(), read["group"]!.ToJsonString());
        Assert.Empty(read["sessions"]!.AsArray());
        var id = Guid.Parse(group["id"]!.GetValue<string>());
        Assert.Equal("SessionGroupCreated", await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).Select(o => o.Type).SingleAsync()));
    }

    [Fact]
    public async Task CreatedFinished_HasCompletedAt()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();

        var group = await CreateAsync(workspace, creator, new { kind = "worker_run", project_id = Guid.NewGuid(), status = "failed" });

        Assert.Equal("failed", group["status"]!.GetValue<string>());
        Assert.Equal(group["created_at"]!.ToJsonString(), group["completed_at"]!.ToJsonString());
    }

    [Fact]
    public async Task VisibilityAndCounts_CoverOnlyWhatEachCallerSees()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var bystander = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var outsider = await (await TestWorkspace.CreateAsync(Factory, workspace.Org)).AddMemberAsync(WorkspaceRole.Admin);
        var group = Guid.Parse((await CreateAsync(workspace, creator))["id"]!.GetValue<string>());
        var creatorsPrivate = (await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = group })).Id();
        var colleaguesShared = (await Client.CreateSessionAsync(workspace, colleague, extra: new { group_id = group, visibility = "workspace" })).Id();
        var colleaguesPrivate = (await Client.CreateSessionAsync(workspace, colleague, extra: new { group_id = group })).Id();
        await Client.AppendAsync(workspace, creator, creatorsPrivate, new { role = "assistant", content = "a", usage = new { input_tokens = 10, output_tokens = 1, cost_usd = 0.5 } });
        await Client.AppendAsync(workspace, colleague, colleaguesShared, new { role = "assistant", content = "b", usage = new { input_tokens = 100, output_tokens = 2, cost_usd = 0.25 } });
        await Client.AppendAsync(workspace, colleague, colleaguesPrivate, new { role = "assistant", content = "c", usage = new { input_tokens = 1000, output_tokens = 4 } });
        await Client.PostAsync($"{workspace.SessionPath(colleaguesShared)}/archive", colleague.Token()).ExpectAsync(HttpStatusCode.OK);

        // The creator sees their own session and the shared one (archived, so only with archived=any).
        var seenByCreator = await GetAsync(workspace, creator, group, "?archived=any");
        AssertCounts(seenByCreator, sessions: 2, active: 1, input: 110, cost: "0.75");
        Assert.Equal([colleaguesShared, creatorsPrivate], Ids(seenByCreator["sessions"]!));
        Assert.Equal([creatorsPrivate], Ids((await GetAsync(workspace, creator, group, ""))["sessions"]!));
        AssertCounts(await GetAsync(workspace, creator, group, ""), sessions: 1, active: 1, input: 10, cost: "0.5");

        // The colleague sees both of theirs; the uncosted usage makes the cost unknown.
        var seenByColleague = await GetAsync(workspace, colleague, group, "?archived=any");
        AssertCounts(seenByColleague, sessions: 2, active: 1, input: 1100, cost: null);
        Assert.Equal(1000, seenByColleague["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<int>());

        // The latest generation is that of the newest message among the sessions each caller sees:
        // not the colleague's private one, appended last, for the creator; their own without archived=any.
        Assert.Equal(100, seenByCreator["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<int>());
        Assert.Equal(10, (await GetAsync(workspace, creator, group, ""))["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<int>());
        Assert.Equal(100, (await GetAsync(workspace, bystander, group, "?archived=any"))["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<int>());

        // A member who sees one shared child sees the group with that child alone; the admin likewise.
        AssertCounts(await GetAsync(workspace, bystander, group, "?archived=any"), sessions: 1, active: 0, input: 100, cost: "0.25");
        AssertCounts(await GetAsync(workspace, admin, group, "?archived=any"), sessions: 1, active: 0, input: 100, cost: "0.25");

        // Once the shared child goes private to no one else, the bystander sees nothing: 404. The admin still sees the group.
        await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(colleaguesShared), colleague.Token());
        await Client.GetAsync($"{GroupsPath(workspace)}/{group}", bystander.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        AssertCounts(await GetAsync(workspace, admin, group, "?archived=any"), sessions: 0, active: 0, input: 0, cost: "0");
        await Client.GetAsync($"{GroupsPath(workspace)}/{group}", outsider.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task StatusTransitions_FinishOnce_AndRepeatingChangesNothing()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var path = $"{GroupsPath(workspace)}/{group}";

        var completed = await Patch(path, creator, new { status = "completed", title = "done", metadata = new { score = 1 } }).ExpectAsync(HttpStatusCode.OK);
        var again = await Patch(path, creator, new { status = "completed" }).ExpectAsync(HttpStatusCode.OK);
        var reopened = await Patch(path, creator, new { status = "running" }).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
        await Patch(path, creator, new { status = "failed" }).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");

        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal("done", completed["title"]!.GetValue<string>());
        Assert.Equal("""{"score":1}""", completed["metadata"]!.ToJsonString());
        Assert.NotNull(completed["completed_at"]);
        Assert.Equal(completed.ToJsonString(), again.ToJsonString());
        Assert.Contains("completed", reopened["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var id = Guid.Parse(group);
        Assert.Equal(
            ["SessionGroupCreated", "SessionGroupUpdated", "SessionGroupStatusChanged"],
            await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).OrderBy(o => o.OccurredAt).ThenBy(o => o.Ordinal).Select(o => o.Type).ToListAsync()));
    }

    [Fact]
    public async Task Metadata_SentAgainWithOtherSpacingOrEscapes_IsNoChange()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var created = await Client.PostAsync(GroupsPath(workspace), creator.Token(), $$$"""{"kind":"workflow","project_id":"{{{Guid.NewGuid()}}}","metadata":{"note":"café","n":[1,2]}}""").ExpectAsync(HttpStatusCode.Created);
        var path = $"{GroupsPath(workspace)}/{created["id"]}";

        var same = await Patch(path, creator, """{ "metadata" : { "note" : "café", "n" : [ 1, 2 ] } }""").ExpectAsync(HttpStatusCode.OK);
        var changed = await Patch(path, creator, """{"metadata":{"note":"cafe","n":[1,2]}}""").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(created["updated_at"]!.GetValue<string>(), same["updated_at"]!.GetValue<string>());
        Assert.Equal("""{"note":"cafe","n":[1,2]}""", changed["metadata"]!.ToJsonString());
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        Assert.Equal(
            ["SessionGroupCreated", "SessionGroupUpdated"],
            await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).OrderBy(o => o.OccurredAt).ThenBy(o => o.Ordinal).Select(o => o.Type).ToListAsync()));
    }

    [Fact]
    public async Task Changes_AreForTheCreatorOrAnAdmin()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var member = await workspace.AddMemberAsync();
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var group = Guid.Parse((await CreateAsync(workspace, creator))["id"]!.GetValue<string>());
        await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = group, visibility = "workspace" });
        var path = $"{GroupsPath(workspace)}/{group}";

        await Patch(path, member, new { title = "mine" }).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await Patch(path, viewer, new { title = "mine" }).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await Client.PostAsync(GroupsPath(workspace), viewer.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        var changed = await Patch(path, admin, new { status = "cancelled" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("cancelled", changed["status"]!.GetValue<string>());
        Assert.Equal(1, changed["session_count"]!.GetValue<int>());
        await Patch($"{GroupsPath(workspace)}/{Guid.NewGuid()}", admin, new { title = "x" }).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"project_id": "8f7e2c1a-0000-4000-8000-000000000000"}""", new object[] { "body", "kind" }, "missing")]
    [InlineData("""{"kind": "batch", "project_id": "8f7e2c1a-0000-4000-8000-000000000000"}""", new object[] { "body", "kind" }, "enum")]
    [InlineData("""{"kind": "Workflow", "project_id": "8f7e2c1a-0000-4000-8000-000000000000"}""", new object[] { "body", "kind" }, "enum")]
    [InlineData("""{"kind": "workflow"}""", new object[] { "body", "project_id" }, "missing")]
    [InlineData("""{"kind": "workflow", "project_id": "p1"}""", new object[] { "body", "project_id" }, "uuid_parsing")]
    [InlineData("""{"kind": "workflow", "project_id": "8f7e2c1a-0000-4000-8000-000000000000", "status": "paused"}""", new object[] { "body", "status" }, "enum")]
    [InlineData("""{"kind": "workflow", "project_id": "8f7e2c1a-0000-4000-8000-000000000000", "metadata": [1]}""", new object[] { "body", "metadata" }, "dict_type")]
    [InlineData("""{"kind": "workflow", "project_id": "8f7e2c1a-0000-4000-8000-000000000000", "runtime_id": 5}""", new object[] { "body", "runtime_id" }, "uuid_parsing")]
    public async Task BadCreate_Is422AtItsField(string json, object[] loc, string type)
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();

        var error = await (await Client.PostAsync(GroupsPath(workspace), creator.Token(), json)).ExpectValidationErrorAsync(loc);

        Assert.Equal(type, error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task OversizedFields_BadPaths_And_BadQueries_Are422()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var project = Guid.NewGuid();

        await Client.PostAsync(GroupsPath(workspace), creator.Token(), new { kind = "workflow", project_id = project, title = new string('t', 256) }).ExpectValidationErrorAsync("body", "title");
        await Client.PostAsync(GroupsPath(workspace), creator.Token(), new { kind = "workflow", project_id = project, worker = "w\0" }).ExpectValidationErrorAsync("body", "worker");
        await Client.PostAsync(GroupsPath(workspace), creator.Token(), new { kind = "workflow", project_id = project, metadata = new { blob = new string('m', 64 * 1024) } }).ExpectValidationErrorAsync("body", "metadata");
        await Patch($"{GroupsPath(workspace)}/{group}", creator, new { title = new string('t', 256) }).ExpectValidationErrorAsync("body", "title");
        await Client.GetAsync($"{GroupsPath(workspace)}/{group[..8]}", creator.Token()).ExpectValidationErrorAsync("path", "group_id");
        await Patch($"{GroupsPath(workspace)}/not-a-uuid", creator, new { title = "x" }).ExpectValidationErrorAsync("path", "group_id");
        // CONTRACT 4: a full UUID has its hyphens; the bare, braced and parenthesized spellings are not one.
        await Client.GetAsync($"{GroupsPath(workspace)}/{Guid.Parse(group):N}", creator.Token()).ExpectValidationErrorAsync("path", "group_id");
        await Client.GetAsync($"{GroupsPath(workspace)}/{Guid.Parse(group):B}", creator.Token()).ExpectValidationErrorAsync("path", "group_id");
        await Client.GetAsync($"{GroupsPath(workspace)}/{group.ToUpperInvariant()}", creator.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{GroupsPath(workspace)}/{group}?archived=old", creator.Token()).ExpectValidationErrorAsync("query", "archived");
        await Client.GetAsync($"{GroupsPath(workspace)}?status=done", creator.Token()).ExpectValidationErrorAsync("query", "status", 0);
        // An empty value is one mistake, answered alike, in every repeatable parameter of names.
        var emptyOrigin = await Client.GetAsync($"{workspace.SessionsPath}?origin=", creator.Token()).ExpectValidationErrorAsync("query", "origin", 0);
        foreach (var parameter in new[] { "status", "kind" })
        {
            var empty = await Client.GetAsync($"{GroupsPath(workspace)}?{parameter}=", creator.Token()).ExpectValidationErrorAsync("query", parameter, 0);
            Assert.Equal(emptyOrigin["type"]!.GetValue<string>(), empty["type"]!.GetValue<string>());
            Assert.Equal(emptyOrigin["msg"]!.GetValue<string>(), empty["msg"]!.GetValue<string>());
        }

        await Client.GetAsync($"{GroupsPath(workspace)}?kind=workflow&kind=run", creator.Token()).ExpectValidationErrorAsync("query", "kind", 1);
        await Client.GetAsync($"{GroupsPath(workspace)}?limit=101", creator.Token()).ExpectValidationErrorAsync("query", "limit");
        await Client.GetAsync($"{GroupsPath(workspace)}?limit=0", creator.Token()).ExpectValidationErrorAsync("query", "limit");
        await Client.GetAsync($"{GroupsPath(workspace)}?page=0", creator.Token()).ExpectValidationErrorAsync("query", "page");
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?limit=0", creator.Token()).ExpectValidationErrorAsync("query", "limit");
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?limit=101", creator.Token()).ExpectValidationErrorAsync("query", "limit");
        await Client.GetAsync($"{GroupsPath(workspace)}?project_id=x", creator.Token()).ExpectValidationErrorAsync("query", "project_id", 0);
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?sessions_per_group=0", creator.Token()).ExpectValidationErrorAsync("query", "sessions_per_group");
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?sessions_per_group=101", creator.Token()).ExpectValidationErrorAsync("query", "sessions_per_group");
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?page=0", creator.Token()).ExpectValidationErrorAsync("query", "page");
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?label=nocolon", creator.Token()).ExpectValidationErrorAsync("query", "label", 0);
    }

    /// <summary>The groups routes' one-value parameters are refused given twice, as the session list's are; status and kind stay repeatable.</summary>
    [Theory]
    [InlineData("groups?page=1&page=2", "page")]
    [InlineData("groups?limit=5&limit=abc", "limit")]
    [InlineData("grouped?sessions_per_group=3&sessions_per_group=3", "sessions_per_group")]
    [InlineData("grouped?limit=abc&limit=5", "limit")]
    [InlineData("groups/{0}?archived=active&archived=any", "archived")]
    [InlineData("groups/{0}?include_workload_sessions=true&include_workload_sessions=false", "include_workload_sessions")]
    public async Task AOneValueParameterGivenTwice_Is422AtIt(string route, string parameter)
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();

        var error = await (await Client.GetAsync($"{workspace.SessionsPath}/{string.Format(System.Globalization.CultureInfo.InvariantCulture, route, group)}", creator.Token()))
            .ExpectValidationErrorAsync("query", parameter);

        Assert.Equal("must be given once (it was given 2 times)", error["msg"]!.GetValue<string>());
        await Client.GetAsync($"{GroupsPath(workspace)}?status=running&status=completed&kind=workflow&kind=workflow", creator.Token()).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GroupId_OnASession_MustNameAGroupOfTheWorkspace()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var elsewhere = await TestWorkspace.CreateAsync(Factory, workspace.Org);
        var foreignGroup = (await CreateAsync(elsewhere, await elsewhere.AddMemberAsync()))["id"]!.GetValue<string>();
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();

        foreach (var unknown in new[] { foreignGroup, Guid.NewGuid().ToString() })
        {
            var created = await Client.PostAsync(workspace.SessionsPath, creator.Token(), new { id = Guid.NewGuid(), model = "m", group_id = unknown });
            var error = await created.ExpectValidationErrorAsync("body", "group_id");
            Assert.Equal("must name a session group of this workspace", error["msg"]!.GetValue<string>());
        }

        var session = (await Client.CreateSessionAsync(workspace, creator)).Id();
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), creator.Token(), new { group_id = foreignGroup }).ExpectValidationErrorAsync("body", "group_id");
        var joined = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), creator.Token(), new { group_id = group }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(group, joined["group_id"]!.GetValue<string>());
        Assert.Equal(1, (await GetAsync(workspace, creator, Guid.Parse(group), ""))["group"]!["session_count"]!.GetValue<int>());
    }

    /// <summary>
    /// A session joins a group by an update, and joining another takes it out of the first: each
    /// group lists and counts the sessions it holds now (CONTRACT 5.5), which its reads find
    /// through the index of grouped sessions (ADR 0081).
    /// </summary>
    [Fact]
    public async Task ASessionMovedToAnotherGroup_IsListedAndCountedByThatGroupAlone()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var first = Guid.Parse((await CreateAsync(workspace, creator))["id"]!.GetValue<string>());
        var second = Guid.Parse((await CreateAsync(workspace, creator))["id"]!.GetValue<string>());
        var session = (await Client.CreateSessionAsync(workspace, creator)).Id();

        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), creator.Token(), new { group_id = first }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([session], Ids((await GetAsync(workspace, creator, first, ""))["sessions"]!));

        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), creator.Token(), new { group_id = second }).ExpectAsync(HttpStatusCode.OK);
        var left = await GetAsync(workspace, creator, first, "");
        var joined = await GetAsync(workspace, creator, second, "");
        Assert.Empty(Ids(left["sessions"]!));
        AssertCounts(left, sessions: 0, active: 0, input: 0, cost: "0");
        Assert.Equal([session], Ids(joined["sessions"]!));
        Assert.Equal(1, joined["group"]!["session_count"]!.GetValue<int>());
    }

    /// <summary>
    /// A group's <c>last_generation_input_tokens</c> is its sessions' newest generation (CONTRACT
    /// 6: the latest message that carries usage), however recently a session received a message
    /// without usage; sessions stored before the migration that keeps its time are read the same.
    /// </summary>
    [Fact]
    public async Task TheGroupsLastGeneration_IsItsSessionsNewestMessageWithUsage_BeforeAndAfterTheMigration()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var creator = await workspace.AddMemberAsync();
        var group = Guid.Parse((await client.PostAsync(GroupsPath(workspace), creator.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>());
        // The older generation's session has the greater id (in the uuid order of PostgreSQL and
        // SQLite): were the times of the generations lost, the tie would go to it.
        var first = (await client.CreateSessionAsync(workspace, creator, SessionRequests.IdWithPrefix("ffffffff"), new { group_id = group })).Id();
        var second = (await client.CreateSessionAsync(workspace, creator, SessionRequests.IdWithPrefix("00000000"), new { group_id = group })).Id();
        await client.AppendAsync(workspace, creator, first, new { role = "assistant", content = "a", usage = new { input_tokens = 100, output_tokens = 1 } });
        await client.AppendAsync(workspace, creator, second, new { role = "assistant", content = "b", usage = new { input_tokens = 500, output_tokens = 1 } });
        await client.AppendAsync(workspace, creator, first, new { role = "user", content = "later, without usage" });
        async Task<long> LastGenerationAsync() =>
            (await client.GetAsync($"{GroupsPath(workspace)}/{group}", creator.Token()).ExpectAsync(HttpStatusCode.OK))["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<long>();

        Assert.Equal(500, await LastGenerationAsync());

        await host.RunMigrationAgainAsync("_LastGenerationAt");

        Assert.Equal(500, await LastGenerationAsync());

        // A session whose generation an instance from before the column stored has no time: it comes last.
        await host.WithDbAsync(db => db.Sessions.Where(s => s.Id == second).ExecuteUpdateAsync(set => set.SetProperty(s => s.LastGenerationAt, (DateTime?)null)));
        Assert.Equal(100, await LastGenerationAsync());
    }

    /// <summary>
    /// A rewind takes a session's newest generation back with the messages it removes, its time
    /// too: the group's latest generation is then another session's, not the rewound session's
    /// older one ranked by the removed message's time (CONTRACT 5.3, 6).
    /// </summary>
    [Fact]
    public async Task AfterARewind_TheGroupsLastGeneration_IsTheNewestThatRemains()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var rewound = (await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = group })).Id();
        var other = (await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = group })).Id();
        await Client.AppendAsync(workspace, creator, rewound, new { role = "assistant", content = "a", usage = new { input_tokens = 100, output_tokens = 1 } });
        await Client.AppendAsync(workspace, creator, other, new { role = "assistant", content = "b", usage = new { input_tokens = 300, output_tokens = 1 } });
        await Client.AppendAsync(workspace, creator, rewound, new { role = "user", content = "again" }, new { role = "assistant", content = "c", usage = new { input_tokens = 500, output_tokens = 1 } });
        async Task<long> LastGenerationAsync() =>
            (await GetAsync(workspace, creator, Guid.Parse(group), ""))["group"]!["usage"]!["last_generation_input_tokens"]!.GetValue<long>();
        Assert.Equal(500, await LastGenerationAsync());

        await Client.PostAsync(workspace.SessionPath(rewound) + "/rewind", creator.Token(), new { from_seq = 2 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(300, await LastGenerationAsync());
    }

    /// <summary>Concurrent changes of one group take turns on its row: each is applied (each a change of its own, none lost), none is a 409.</summary>
    [Fact]
    public async Task ConcurrentChangesOfOneGroup_AreEachApplied_NoneRefused()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Client.SendAsync(HttpMethod.Patch, $"{GroupsPath(workspace)}/{group}", creator.Token(), new { title = $"t{i}" })));

        var titles = new List<string>();
        foreach (var answer in answers)
        {
            titles.Add((await answer.ExpectAsync(HttpStatusCode.OK))["title"]!.GetValue<string>());
        }

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"t{i}").Order(), titles.Order());
        var stored = (await GetAsync(workspace, creator, Guid.Parse(group), ""))["group"]!["title"]!.GetValue<string>();
        Assert.Contains(stored, titles);
        Assert.Equal(8, await EventCountAsync(Guid.Parse(group), "SessionGroupUpdated"));
    }

    [Fact]
    public async Task List_FiltersGroupsAndTheirSessions_AndPages()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var project = Guid.NewGuid();
        var workflow = await CreateAsync(workspace, creator, new { kind = "workflow", project_id = project, title = "w" });
        var evaluation = await CreateAsync(workspace, creator, new { kind = "evaluation_item", project_id = Guid.NewGuid(), status = "completed" });
        var empty = await CreateAsync(workspace, creator, new { kind = "worker_run", project_id = project });
        var workflowId = workflow["id"]!.GetValue<string>();
        var evaluationId = evaluation["id"]!.GetValue<string>();
        await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = workflowId, labels = new { team = new[] { "red" } } });
        await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = workflowId, labels = new { team = new[] { "blue" } } });
        await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = evaluationId, labels = new { team = new[] { "red" } } });

        var all = await ListAsync(workspace, creator, "");
        Assert.Equal([empty["id"]!.GetValue<string>(), evaluationId, workflowId], GroupIds(all));
        Assert.Equal(3, all["total"]!.GetValue<int>());
        Assert.Equal(2, all["groups"]![2]!["session_count"]!.GetValue<int>());

        Assert.Equal([evaluationId], GroupIds(await ListAsync(workspace, creator, "?status=completed")));
        Assert.Equal([evaluationId, workflowId], GroupIds(await ListAsync(workspace, creator, "?kind=workflow&kind=evaluation_item")));
        Assert.Equal([empty["id"]!.GetValue<string>(), workflowId], GroupIds(await ListAsync(workspace, creator, $"?project_id={project}")));

        var red = await ListAsync(workspace, creator, "?label=team:red");
        Assert.Equal([evaluationId, workflowId], GroupIds(red));
        Assert.All(red["groups"]!.AsArray(), g => Assert.Equal(1, g!["session_count"]!.GetValue<int>()));

        var paged = await ListAsync(workspace, creator, "?limit=2&page=2");
        Assert.Equal([workflowId], GroupIds(paged));
        Assert.Equal(
            """{"total":3,"page":2,"limit":2,"total_pages":2,"has_next":false,"has_previous":true}""",
            new JsonObject(paged.Where(p => p.Key != "groups").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
        Assert.Empty((await ListAsync(workspace, creator, "?page=3&limit=2"))["groups"]!.AsArray());
        foreach (var defaults in new[] { "?archived=active", "?include_workload_sessions=false", "?archived=active&include_workload_sessions=false" })
        {
            Assert.Equal(GroupIds(all), GroupIds(await ListAsync(workspace, creator, defaults)));
        }

        Assert.Equal([evaluationId, workflowId], GroupIds(await ListAsync(workspace, creator, "?archived=any")));
    }

    /// <summary><c>user_id</c> and <c>user</c> combine with AND on the group listings as on the list (CONTRACT 5.4).</summary>
    [Fact]
    public async Task GroupListings_UserIdAndUser_CombineWithAnd()
    {
        var (workspace, me) = await AWorkspaceWithAMemberAsync();
        var other = await workspace.AddMemberAsync();
        var mine = (await CreateAsync(workspace, me))["id"]!.GetValue<string>();
        var theirs = (await CreateAsync(workspace, other))["id"]!.GetValue<string>();
        await Client.CreateSessionAsync(workspace, me, extra: new { group_id = mine });
        await Client.CreateSessionAsync(workspace, other, extra: new { group_id = theirs, visibility = "workspace" });

        async Task<List<string?>> BucketsAsync(string query) =>
            [.. (await Client.GetAsync($"{workspace.SessionsPath}/grouped?{query}", me.Token()).ExpectAsync(HttpStatusCode.OK))["groups"]!.AsArray().Select(b => b!["group"]?["id"]?.GetValue<string>())];

        Assert.Equal([theirs, mine], GroupIds(await ListAsync(workspace, me, $"?user_id={other.Id}&user_id={me.Id}")));
        Assert.Equal([theirs], GroupIds(await ListAsync(workspace, me, $"?user_id={other.Id}&user={other.Id}&user={me.Id}")));
        Assert.Equal([mine], GroupIds(await ListAsync(workspace, me, $"?user_id={other.Id}&user_id={me.Id}&user={me.Id}")));
        Assert.Empty(GroupIds(await ListAsync(workspace, me, $"?user_id={other.Id}&user={me.Id}")));

        Assert.Equal([theirs, mine], await BucketsAsync($"user_id={other.Id}&user_id={me.Id}"));
        Assert.Equal([theirs], await BucketsAsync($"user_id={other.Id}&user={other.Id}&user={me.Id}"));
        Assert.Equal([mine], await BucketsAsync($"user_id={other.Id}&user_id={me.Id}&user={me.Id}"));
        Assert.Empty(await BucketsAsync($"user_id={other.Id}&user={me.Id}"));
    }

    [Fact]
    public async Task Grouped_OrdersBucketsByNewestActivity_NoGroupLast_AndCutsEachBucket()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var older = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var newer = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var loose = (await Client.CreateSessionAsync(workspace, creator)).Id();
        var inNewer = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            inNewer.Add((await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = newer })).Id());
        }

        var inOlder = (await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = older })).Id();

        // Touching the older group's session makes its bucket the most recently active.
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(inOlder), creator.Token(), new { title = "touched" }).ExpectAsync(HttpStatusCode.OK);

        var page = await Client.GetAsync($"{workspace.SessionsPath}/grouped?sessions_per_group=2", creator.Token()).ExpectAsync(HttpStatusCode.OK);
        var buckets = page["groups"]!.AsArray();
        Assert.Equal([older, newer, null], buckets.Select(b => b!["group"]?["id"]?.GetValue<string>()));
        Assert.Equal([1L, 3L, 1L], buckets.Select(b => b!["session_count"]!.GetValue<long>()));
        Assert.Equal([inNewer[2], inNewer[1]], Ids(buckets[1]!["sessions"]!));
        Assert.Equal([loose], Ids(buckets[2]!["sessions"]!));
        Assert.Equal(3, buckets[1]!["group"]!["session_count"]!.GetValue<int>());
        Assert.Equal(3, page["total"]!.GetValue<int>());

        var last = await Client.GetAsync($"{workspace.SessionsPath}/grouped?limit=2&page=2", creator.Token()).ExpectAsync(HttpStatusCode.OK);
        var only = Assert.Single(last["groups"]!.AsArray())!;
        Assert.Null(only["group"]);
        Assert.False(last["has_next"]!.GetValue<bool>());
        Assert.True(last["has_previous"]!.GetValue<bool>());

        // Filters apply to the sessions: a label only the loose session carries leaves its bucket alone.
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(loose), creator.Token(), new { labels = new { only = new[] { "me" } } }).ExpectAsync(HttpStatusCode.OK);
        var filtered = await Client.GetAsync($"{workspace.SessionsPath}/grouped?label=only:me", creator.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(Assert.Single(filtered["groups"]!.AsArray())!["group"]);
    }

    /// <summary>
    /// The grouped listing's buckets are of the sessions the caller sees and that match (CONTRACT
    /// 5.5): a group whose every session is another member's private one is no bucket, a bucket
    /// counts the visible sessions alone, and the total counts the same buckets whether the page
    /// tells it or a count does (a full page).
    /// </summary>
    [Fact]
    public async Task Grouped_HoldsTheBucketsOfWhatTheCallerSees_AndCountsThemSo()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var hidden = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var shared = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var archived = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        await Client.CreateSessionAsync(workspace, colleague, extra: new { group_id = hidden });
        await Client.CreateSessionAsync(workspace, colleague, extra: new { group_id = shared, visibility = "workspace" });
        await Client.CreateSessionAsync(workspace, colleague, extra: new { group_id = shared });
        await Client.CreateSessionAsync(workspace, colleague);
        var mine = (await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = archived })).Id();
        await Client.PostAsync($"{workspace.SessionPath(mine)}/archive", creator.Token()).ExpectAsync(HttpStatusCode.OK);

        async Task<Dictionary<string, long>> BucketsAsync(TestUser caller, string query, long total)
        {
            var page = await Client.GetAsync($"{workspace.SessionsPath}/grouped?{query}", caller.Token()).ExpectAsync(HttpStatusCode.OK);
            var full = await Client.GetAsync($"{workspace.SessionsPath}/grouped?{query}&limit=1", caller.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(total, page["total"]!.GetValue<long>());
            Assert.Equal(total, full["total"]!.GetValue<long>());
            return page["groups"]!.AsArray().ToDictionary(b => b!["group"]?["id"]?.GetValue<string>() ?? "none", b => b!["session_count"]!.GetValue<long>());
        }

        Assert.Equal(new Dictionary<string, long> { [shared] = 1 }, await BucketsAsync(creator, "archived=active", total: 1));
        Assert.Equal(new Dictionary<string, long> { [shared] = 1, [archived] = 1 }, await BucketsAsync(creator, "archived=any", total: 2));
        Assert.Equal(new Dictionary<string, long> { [hidden] = 1, [shared] = 2, ["none"] = 1 }, await BucketsAsync(colleague, "archived=any", total: 3));
    }

    /// <summary>
    /// A page past the last of either group listing holds no group and still tells the listing's
    /// total (CONTRACT 5.5's envelope), which only a count can give there: a page that is not
    /// full tells it from its own rows, an empty one past the first cannot.
    /// </summary>
    [Fact]
    public async Task APagePastTheLast_OfEitherListing_IsEmpty_AndTellsTheTotal()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        for (var i = 0; i < 2; i++)
        {
            await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>() });
        }

        await Client.CreateSessionAsync(workspace, creator);

        // The grouped listing has a bucket more than there are groups: the session in no group.
        foreach (var (listing, total) in new[] { ("groups", 2), ("grouped", 3) })
        {
            var past = await Client.GetAsync($"{workspace.SessionsPath}/{listing}?limit=2&page=3", creator.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Empty(past["groups"]!.AsArray());
            Assert.Equal(
                $$"""{"total":{{total}},"page":3,"limit":2,"total_pages":{{(total + 1) / 2}},"has_next":false,"has_previous":true}""",
                new JsonObject(past.Where(p => p.Key != "groups").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
        }
    }

    [Fact]
    public async Task Grouped_WithoutParameters_Holds20GroupsOf20Sessions_AndAcceptsTheEdges()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        for (var i = 0; i < 20; i++)
        {
            await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>() });
        }

        // The last group's sessions are the newest activity: its bucket comes first.
        var group = (await CreateAsync(workspace, creator))["id"]!.GetValue<string>();
        var sessions = new List<Guid>();
        for (var i = 0; i < 21; i++)
        {
            sessions.Add((await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = group })).Id());
        }

        var page = await Client.GetAsync($"{workspace.SessionsPath}/grouped", creator.Token()).ExpectAsync(HttpStatusCode.OK);
        var few = await Client.GetAsync($"{workspace.SessionsPath}/grouped?sessions_per_group=1&limit=1", creator.Token()).ExpectAsync(HttpStatusCode.OK);
        var many = await Client.GetAsync($"{workspace.SessionsPath}/grouped?sessions_per_group=100&limit=100", creator.Token()).ExpectAsync(HttpStatusCode.OK);

        var bucket = page["groups"]!.AsArray()[0]!;
        Assert.Equal(group, bucket["group"]!["id"]!.GetValue<string>());
        Assert.Equal(Enumerable.Reverse(sessions).Take(20), Ids(bucket["sessions"]!));
        Assert.Equal(21, bucket["session_count"]!.GetValue<int>());
        Assert.Equal(
            """{"total":21,"page":1,"limit":20,"total_pages":2,"has_next":true,"has_previous":false}""",
            new JsonObject(page.Where(p => p.Key != "groups").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString());
        Assert.Equal([sessions[^1]], Ids(Assert.Single(few["groups"]!.AsArray())!["sessions"]!));
        Assert.Equal(21, many["groups"]!.AsArray().Count);
        Assert.Equal(21, Ids(many["groups"]!.AsArray()[0]!["sessions"]!).Count);
    }

    private static void AssertCounts(JsonObject detail, int sessions, int active, long input, string? cost)
    {
        var group = detail["group"]!;
        Assert.Equal(sessions, group["session_count"]!.GetValue<int>());
        Assert.Equal(active, group["active_session_count"]!.GetValue<int>());
        Assert.Equal(input, group["usage"]!["total_input_tokens"]!.GetValue<long>());
        Assert.Equal(cost, group["usage"]!["total_cost_usd"]?.ToJsonString());
        Assert.Equal(sessions, detail["sessions"]!.AsArray().Count);
    }

    private static List<Guid> Ids(JsonNode sessions) => [.. sessions.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>()))];

    private static List<string> GroupIds(JsonObject page) => [.. page["groups"]!.AsArray().Select(g => g!["id"]!.GetValue<string>())];

    private static string GroupsPath(TestWorkspace workspace) => $"{workspace.SessionsPath}/groups";

    private Task<HttpResponseMessage> Patch(string path, TestUser user, object body) => Client.SendAsync(HttpMethod.Patch, path, user.Token(), body);

    /// <summary>
    /// A group's usage is a session's usage view, whose token figures are 64-bit (ADR 0046): a
    /// group whose sessions' sums pass them answers 422 on every database, never a 500. The sums
    /// are set in the database: at the 10^12 tokens a message accepts, getting there takes
    /// millions of messages.
    /// </summary>
    [Fact]
    public async Task AGroupsUsagePast64Bits_Is422()
    {
        var (workspace, creator) = await AWorkspaceWithAMemberAsync();
        var group = Guid.Parse((await CreateAsync(workspace, creator))["id"]!.GetValue<string>());
        foreach (var _ in new[] { 1, 2 })
        {
            var id = (await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = group })).Id();
            await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE sessions SET total_usage_input_tokens = {5_000_000_000_000_000_000} WHERE id = {id}"));
        }

        await (await Client.GetAsync($"{GroupsPath(workspace)}/{group}", creator.Token())).ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");
    }

    private Task<JsonObject> CreateAsync(TestWorkspace workspace, TestUser user, object? body = null) =>
        Client.PostAsync(GroupsPath(workspace), user.Token(), body ?? new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created);

    private Task<JsonObject> GetAsync(TestWorkspace workspace, TestUser user, Guid group, string query) =>
        Client.GetAsync($"{GroupsPath(workspace)}/{group}{query}", user.Token()).ExpectAsync(HttpStatusCode.OK);

    private Task<JsonObject> ListAsync(TestWorkspace workspace, TestUser user, string query) =>
        Client.GetAsync($"{GroupsPath(workspace)}{query}", user.Token()).ExpectAsync(HttpStatusCode.OK);
}
