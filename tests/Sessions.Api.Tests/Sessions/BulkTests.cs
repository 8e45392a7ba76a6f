using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

[Collection(SharedApiCollection.Name)]
public sealed class BulkTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task BulkFreeze_MixOfOwnForeignUnknownAndFrozen_ReportsEachId()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var own = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var alreadyFrozen = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.PostAsync(workspace.SessionPath(alreadyFrozen) + "/freeze", owner.Token());
        var other = await workspace.AddMemberAsync();
        var othersShared = (await Client.CreateSessionAsync(workspace, other, extra: new { visibility = "workspace" })).Id();
        var othersPrivate = (await Client.CreateSessionAsync(workspace, other)).Id();
        var elsewhere = await TestWorkspace.CreateAsync(Factory);
        var foreign = (await Client.CreateSessionAsync(elsewhere, await elsewhere.AddMemberAsync(), extra: new { visibility = "workspace" })).Id();
        var unknown = Guid.NewGuid();

        var outcome = await BulkAsync(workspace, owner, "bulk-freeze", [own, own, alreadyFrozen, othersShared, othersPrivate, foreign, unknown]);

        Assert.Equal([own, alreadyFrozen], Ids(outcome["frozen"]!));
        var failed = outcome["failed"]!.AsArray().ToDictionary(f => Guid.Parse(f!["id"]!.GetValue<string>()), f => f!.AsObject());
        Assert.Equal(4, failed.Count);
        Assert.Equal((403, "permission_denied"), Code(failed[othersShared]));
        Assert.Equal((404, "not_found"), Code(failed[othersPrivate]));
        Assert.Equal((404, "not_found"), Code(failed[foreign]));
        Assert.Equal((404, "not_found"), Code(failed[unknown]));
        Assert.All(failed.Values, f => Assert.False(string.IsNullOrWhiteSpace(f["detail"]!.GetValue<string>())));
        Assert.Equal(1, await EventCountAsync(own, "SessionFrozen"));
        Assert.Equal(1, await EventCountAsync(alreadyFrozen, "SessionFrozen"));
        Assert.Equal(0, await EventCountAsync(othersShared, "SessionFrozen"));
        Assert.Equal(0, await EventCountAsync(foreign, "SessionFrozen"));
    }

    [Fact]
    public async Task BulkFreeze_ByEvaluationService_FreezesEverySessionOfTheWorkspaceAsEvaluation()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var a = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var b = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var evaluator = await workspace.AddMemberAsync();

        var outcome = await BulkAsync(workspace, evaluator, "bulk-freeze", [a, b], Scopes.SessionsEvaluate);

        Assert.Equal([a, b], Ids(outcome["frozen"]!));
        var read = await (await Client.GetAsync(workspace.SessionPath(b), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("evaluation", read["frozen_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task BulkShare_PromotesOwnSessions_AndReportsOthers()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var mine = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var alreadyShared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        var other = await workspace.AddMemberAsync();
        var othersShared = (await Client.CreateSessionAsync(workspace, other, extra: new { visibility = "workspace" })).Id();

        var outcome = await BulkAsync(workspace, owner, "bulk-share", [mine, alreadyShared, othersShared]);

        Assert.Equal([mine, alreadyShared], Ids(outcome["shared"]!));
        Assert.Equal((403, "permission_denied"), Code(outcome["failed"]!.AsArray().Single()!.AsObject()));
        var read = await (await Client.GetAsync(workspace.SessionPath(mine), other.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(owner.Id.ToString(), read["shared_by"]!["id"]!.GetValue<string>());
        Assert.Equal(read["updated_at"]!.ToJsonString(), read["shared_at"]!.ToJsonString());
    }

    [Fact]
    public async Task BulkDelete_DeletesOwn_AndKeepsEvaluationFrozenOnes()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var mine = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var evidence = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var evaluator = await workspace.AddMemberAsync();
        await (await Client.PostAsync(workspace.SessionPath(evidence) + "/freeze", evaluator.Token(Scopes.SessionsEvaluate))).ExpectAsync(HttpStatusCode.OK);

        var outcome = await BulkAsync(workspace, owner, "bulk-delete", [mine, evidence, mine]);

        Assert.Equal([mine], Ids(outcome["deleted"]!));
        var failure = outcome["failed"]!.AsArray().Single()!.AsObject();
        Assert.Equal(evidence.ToString(), failure["id"]!.GetValue<string>());
        Assert.Equal((409, "session_frozen"), Code(failure));
        await (await Client.GetAsync(workspace.SessionPath(mine), owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.GetAsync(workspace.SessionPath(evidence), owner.Token())).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// A session deleted in bulk takes its transcript with it, as one deleted alone does (CONTRACT
    /// 5.2), and its label rows, items and system prompt: a bulk load reads no rows beside the
    /// sessions (ADR 0076), so they go by their foreign keys' cascade. A session created again under
    /// its id starts empty.
    /// </summary>
    [Fact]
    public async Task BulkDelete_TakesEachSessionsTranscriptLabelsItemsAndPrompt()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["team"] = ["red"] } })).Id();
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { context = new { model = "m", system_prompt = "Be brief." }, messages = new[] { new { role = "user", content = "q" } } }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), new { item_type = "finding", data = new { note = "n" } })).ExpectAsync(HttpStatusCode.Created);

        var deleted = await BulkAsync(workspace, owner, "bulk-delete", [session]);

        Assert.Equal([session], Ids(deleted["deleted"]!));
        var left = await Factory.WithDbAsync(async db => (
            await db.Messages.CountAsync(m => m.SessionId == session),
            await db.Items.CountAsync(i => i.SessionId == session),
            await db.Prompts.CountAsync(p => p.SessionId == session),
            await db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM session_labels WHERE session_id = {session}").SingleAsync()));
        Assert.Equal((0, 0, 0, 0), left);
        await Client.CreateSessionAsync(workspace, owner, session);
        var transcript = await (await Client.GetAsync(workspace.SessionPath(session) + "/transcript", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(transcript["messages"]!.AsArray());
        var labelled = await (await Client.GetAsync($"{workspace.SessionsPath}?label=team:red", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(labelled["sessions"]!.AsArray());
    }

    [Theory]
    [InlineData("bulk-freeze")]
    [InlineData("bulk-share")]
    [InlineData("bulk-delete")]
    public async Task Bulk_NoIdsOrTooMany_Is422(string action)
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();

        await (await Client.PostAsync($"{workspace.SessionsPath}/{action}", owner.Token(), new { session_ids = Array.Empty<Guid>() })).ExpectValidationErrorAsync("body", "session_ids");
        await (await Client.PostAsync($"{workspace.SessionsPath}/{action}", owner.Token(), new { session_ids = Enumerable.Range(0, 201).Select(_ => Guid.NewGuid()) })).ExpectValidationErrorAsync("body", "session_ids");
        await (await Client.PostAsync($"{workspace.SessionsPath}/{action}", owner.Token(), new { })).ExpectValidationErrorAsync("body", "session_ids");
    }

    [Fact]
    public async Task Bulk_TwoHundredIds_IsAccepted()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();

        var outcome = await BulkAsync(workspace, owner, "bulk-freeze", [.. Enumerable.Range(0, 200).Select(_ => Guid.NewGuid())]);

        Assert.Equal(200, outcome["failed"]!.AsArray().Count);
    }

    [Fact]
    public async Task Bulk_NonUuidOrPrefix_Is422AtItsIndex()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var error = await (await Client.PostAsync($"{workspace.SessionsPath}/bulk-freeze", owner.Token(), $$"""{"session_ids": ["{{session.Id()}}", "{{session.Id().ToString()[..8]}}"]}"""))
            .ExpectValidationErrorAsync("body", "session_ids", 1);

        Assert.Equal("uuid_parsing", error["type"]!.GetValue<string>());
        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(read["frozen_at"]);
    }

    [Fact]
    public async Task Bulk_ByViewer_FailsEachIdWith403()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);

        var outcome = await BulkAsync(workspace, viewer, "bulk-freeze", [shared]);

        Assert.Empty(outcome["frozen"]!.AsArray());
        Assert.Equal((403, "permission_denied"), Code(outcome["failed"]!.AsArray().Single()!.AsObject()));
    }

    [Theory]
    [InlineData("bulk-freeze", "frozen")]
    [InlineData("bulk-share", "shared")]
    [InlineData("bulk-delete", "deleted")]
    public async Task TheNilUuid_IsOneIdNotFound_NotABadBatch(string action, string done)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var outcome = await BulkAsync(workspace, owner, action, [session, Guid.Empty]);

        Assert.Equal([session], Ids(outcome[done]!));
        var failure = Assert.Single(outcome["failed"]!.AsArray())!.AsObject();
        Assert.Equal(Guid.Empty.ToString(), failure["id"]!.GetValue<string>());
        Assert.Equal((404, "not_found"), Code(failure));
    }

    [Fact]
    public async Task BulkShareAndDelete_OfSessionsWithAsManyLabelsAsAllowed_MoveEveryCount()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var sessions = new List<Guid>();
        for (var s = 0; s < 4; s++)
        {
            var labels = Enumerable.Range(0, 50).ToDictionary(k => $"k{k:00}", k => Enumerable.Range(0, 20).Select(v => $"s{s}-{k:00}-{v:00}").ToArray());
            sessions.Add((await Client.CreateSessionAsync(workspace, owner, extra: new { labels })).Id());
        }

        // Sharing moves two counts per label value (private down, shared up): 8,000 rows here, past
        // what one statement can carry on SQLite and on PostgreSQL.
        var shared = await BulkAsync(workspace, owner, "bulk-share", [.. sessions]);
        var seen = await Client.GetAsync($"{workspace.SessionsPath}/facets", colleague.Token()).ExpectAsync(HttpStatusCode.OK);
        var deleted = await BulkAsync(workspace, owner, "bulk-delete", [.. sessions]);
        var left = await Client.GetAsync($"{workspace.SessionsPath}/facets", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(sessions, Ids(shared["shared"]!));
        Assert.Equal(50, seen["labels"]!.AsObject().Count);
        Assert.All(seen["labels"]!.AsObject(), key => Assert.Equal(4 * 20, key.Value!.AsArray().Count));
        Assert.Equal(sessions, Ids(deleted["deleted"]!));
        Assert.Empty(left["labels"]!.AsObject());
        Assert.Equal(0, await Factory.WithDbAsync(db => db.SessionCounts.CountAsync(c => c.WorkspaceId == workspace.WorkspaceId)));
    }

    private async Task<JsonObject> BulkAsync(TestWorkspace workspace, TestUser caller, string action, Guid[] ids, params string[] scopes) =>
        await (await Client.PostAsync($"{workspace.SessionsPath}/{action}", caller.Token(scopes), new { session_ids = ids })).ExpectAsync(HttpStatusCode.OK);

    private static List<Guid> Ids(JsonNode array) => [.. array.AsArray().Select(id => Guid.Parse(id!.GetValue<string>()))];

    private static (int, string) Code(JsonObject failure) => (failure["code"]!.GetValue<int>(), failure["type"]!.GetValue<string>());
}
