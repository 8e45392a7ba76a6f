using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Events;

/// <summary>The audit trail (CONTRACT §5.9): every change to a session, in order, with who made it.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class SessionEventsTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task EveryKindOfChange_IsInTheTrail_InOrder_WithItsActor()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var path = workspace.SessionPath(id);

        await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { visibility = "workspace" }).ExpectAsync(HttpStatusCode.OK);
        await Client.SendAsync(HttpMethod.Patch, path, admin.Token(), new { title = "renamed by the admin" }).ExpectAsync(HttpStatusCode.OK);
        foreach (var action in new[] { "archive", "unarchive", "pin", "unpin" })
        {
            await Client.PostAsync($"{path}/{action}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        }

        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "one" }, new { role = "assistant", content = "two" }, new { role = "user", content = "three" });
        await Client.PostAsync($"{path}/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "sum" }, up_to_seq = 1 }).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{path}/rewind", owner.Token(), new { from_seq = 3 }).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{path}/items", owner.Token(), new { item_type = "finding", data = new { } }).ExpectAsync(HttpStatusCode.Created);
        await Client.PostAsync($"{path}/freeze", admin.Token()).ExpectAsync(HttpStatusCode.OK);

        var events = await AllAsync(workspace, owner, id, limit: 100);

        // A compaction appends its summary (an append of one message) and compacts, in that order.

        Assert.Equal(
            ["SessionCreated", "SessionShared", "SessionUpdated", "SessionArchived", "SessionUnarchived", "SessionPinned", "SessionUnpinned",
             "TranscriptAppended", "TranscriptAppended", "TranscriptCompacted", "TranscriptRewound", "SessionItemRecorded", "SessionFrozen"],
            events.Select(e => e["type"]!.GetValue<string>()));
        var actors = events.Select(e => e["actor"]!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(admin.Id.ToString(), actors[2]);
        Assert.Equal(admin.Id.ToString(), actors[^1]);
        Assert.All(actors.Where((_, i) => i != 2 && i != actors.Count - 1), a => Assert.Equal(owner.Id.ToString(), a));
        Assert.Equal(owner.Email, events[0]["actor"]!["email"]!.GetValue<string>());
        Assert.Equal("""{"fields":["title"]}""", events[2]["data"]!.ToJsonString());
        Assert.Equal(["id", "type", "occurred_at", "actor", "data"], events[0].Select(p => p.Key));
        Assert.Equal(events.Select(e => e["occurred_at"]!.GetValue<DateTime>()).Order(), events.Select(e => e["occurred_at"]!.GetValue<DateTime>()));
    }

    /// <summary>
    /// A session created shared was visible to its workspace from its first moment: its trail says
    /// so (a share by its owner at its creation), where a private one's holds its creation alone.
    /// </summary>
    [Fact]
    public async Task ASessionCreatedShared_HasItsShareInItsTrail()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        var kept = (await Client.CreateSessionAsync(workspace, owner)).Id();

        var trail = await AllAsync(workspace, owner, shared, limit: 100);

        Assert.Equal(["SessionCreated", "SessionShared"], trail.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(trail, e => Assert.Equal(owner.Id.ToString(), e["actor"]!["id"]!.GetValue<string>()));
        Assert.Equal(trail[0]["occurred_at"]!.GetValue<DateTime>(), trail[1]["occurred_at"]!.GetValue<DateTime>());
        Assert.Equal(["SessionCreated"], (await AllAsync(workspace, owner, kept, limit: 100)).Select(e => e["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RepeatedAndConcurrentFreezes_LeaveExactlyOneSessionFrozen()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();

        var freezes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Client.PostAsync($"{workspace.SessionPath(id)}/freeze", owner.Token())));
        await Client.PostAsync($"{workspace.SessionPath(id)}/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{workspace.SessionsPath}/bulk-freeze", owner.Token(), new { session_ids = new[] { id } }).ExpectAsync(HttpStatusCode.OK);

        Assert.All(freezes, f => Assert.Equal(HttpStatusCode.OK, f.StatusCode));
        Assert.Single(await AllAsync(workspace, owner, id, limit: 100), e => e["type"]!.GetValue<string>() == "SessionFrozen");
    }

    /// <summary>
    /// Archives, unarchives, pins and unpins of one session, all at once: each loads without a lock
    /// and a lost race reruns under the lock (ADR 0031), so every request answers 200, no change is
    /// lost (the version counts one step per stored event) and the state is the last event's.
    /// </summary>
    [Fact]
    public async Task ConcurrentArchivesAndPinsOfOneSession_AllAnswer200_AndEveryChangeIsOneEventAndOneVersion()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        string[] actions = ["archive", "unarchive", "pin", "unpin"];

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Client.PostAsync($"{workspace.SessionPath(id)}/{actions[i % 4]}", owner.Token())));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var session = await Client.GetAsync(workspace.SessionPath(id), owner.Token());
        var body = await session.ExpectAsync(HttpStatusCode.OK);
        var changes = (await AllAsync(workspace, owner, id, limit: 100)).Select(e => e["type"]!.GetValue<string>())
            .Where(t => t is "SessionArchived" or "SessionUnarchived" or "SessionPinned" or "SessionUnpinned").ToList();
        Assert.Equal($"\"{1 + changes.Count}\"", session.Headers.ETag!.Tag);
        Assert.Equal(changes.LastOrDefault(t => t.Contains("rchived", StringComparison.Ordinal)) == "SessionArchived", body["archived_at"] is not null);
        Assert.Equal(changes.LastOrDefault(t => t.Contains("inned", StringComparison.Ordinal)) == "SessionPinned", body["pinned_at"] is not null);
        var archived = body["archived_at"] is not null ? 1 : 0;
        var archivedTotal = await Client.GetAsync($"{workspace.SessionsPath}?archived=archived&limit=1", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var activeTotal = await Client.GetAsync($"{workspace.SessionsPath}?limit=1", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((archived, 1 - archived), (archivedTotal["total"]!.GetValue<int>(), activeTotal["total"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Pages_ChainByNextAfterId_WithoutGapsOrRepeats()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        for (var i = 0; i < 4; i++)
        {
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content = $"m{i}" });
        }

        var whole = await AllAsync(workspace, owner, id, limit: 500);
        var paged = await AllAsync(workspace, owner, id, limit: 2);
        var first = await Client.GetAsync($"{workspace.SessionPath(id)}/events?limit=2", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var last = await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={whole[^1]["id"]}", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(5, whole.Count);
        Assert.Equal(whole.Select(e => e.ToJsonString()), paged.Select(e => e.ToJsonString()));
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal(whole[1]["id"]!.GetValue<string>(), first["next_after_id"]!.GetValue<string>());
        Assert.Empty(last["events"]!.AsArray());
        Assert.False(last["has_more"]!.GetValue<bool>());
        Assert.Null(last["next_after_id"]);
    }

    /// <summary>
    /// Events that share their instant and their place in a change (saves stamped alike: a clock
    /// that did not move, or two instances' clocks) are ordered by id too, so pages chained by
    /// <c>after_id</c> hold every event once (such a trail paged one at a time ended after its first).
    /// </summary>
    [Fact]
    public async Task EventsStampedAlike_ArePagedWhole_InOneTotalOrder()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.PostAsync(workspace.SessionPath(id) + "/pin", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync(workspace.SessionPath(id) + "/archive", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++)
        {
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content = $"m{i}" });
        }

        var instant = await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).MinAsync(o => o.OccurredAt));
        await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).ExecuteUpdateAsync(set => set.SetProperty(o => o.OccurredAt, instant)));
        var ids = await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).Select(o => o.Id).ToListAsync());

        var whole = await AllAsync(workspace, owner, id, limit: 500);
        var paged = await AllAsync(workspace, owner, id, limit: 1);

        Assert.Equal(6, whole.Count);
        Assert.Equal(ids.Order(), whole.Select(e => Guid.Parse(e["id"]!.GetValue<string>())));
        Assert.Equal(whole.Select(e => e.ToJsonString()), paged.Select(e => e.ToJsonString()));
    }

    /// <summary>CONTRACT 4: a full UUID in any letter case, with hyphens; no other spelling.</summary>
    [Fact]
    public async Task AfterId_IsReadInAnyLetterCase_WithHyphensOnly()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.PostAsync(workspace.SessionPath(id) + "/archive", owner.Token());
        var first = Guid.Parse((await AllAsync(workspace, owner, id, limit: 1))[0]["id"]!.GetValue<string>());

        await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={first.ToString().ToUpperInvariant()}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={first:N}", owner.Token()).ExpectValidationErrorAsync("query", "after_id");
    }

    [Fact]
    public async Task BadPaging_Is422()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var other = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var othersEvent = (await AllAsync(workspace, owner, other, limit: 1))[0]["id"]!.GetValue<string>();

        foreach (var limit in new[] { "0", "501", "x" })
        {
            await Client.GetAsync($"{workspace.SessionPath(id)}/events?limit={limit}", owner.Token()).ExpectValidationErrorAsync("query", "limit");
        }

        await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id=nope", owner.Token()).ExpectValidationErrorAsync("query", "after_id");
        await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={Guid.NewGuid():P}", owner.Token()).ExpectValidationErrorAsync("query", "after_id");
        await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id=%20{Guid.NewGuid()}", owner.Token()).ExpectValidationErrorAsync("query", "after_id");
        var foreign = await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={othersEvent}", owner.Token()).ExpectValidationErrorAsync("query", "after_id");
        Assert.Equal("must be the id of an event of this session", foreign["msg"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletedSessionsTrail_IsForWorkspaceAdminsByFullId()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var otherWorkspace = await TestWorkspace.CreateAsync(Factory, workspace.Org);
        var otherAdmin = await otherWorkspace.AddMemberAsync(WorkspaceRole.Admin);
        var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "evidence" });
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);

        var trail = await AllAsync(workspace, admin, id, limit: 100);

        Assert.Equal(["SessionCreated", "SessionShared", "TranscriptAppended", "SessionDeleted"], trail.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(owner.Id.ToString(), trail[^1]["actor"]!["id"]!.GetValue<string>());
        await Client.GetAsync($"{workspace.SessionPath(id.ToString()[..8])}/events", admin.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.GetAsync($"{workspace.SessionPath(id)}/events", owner.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        // An admin of another workspace of the organization, asking in that workspace, is not told of it.
        await Client.GetAsync($"{otherWorkspace.SessionPath(id)}/events", otherAdmin.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.GetAsync($"{workspace.SessionPath(Guid.NewGuid())}/events", admin.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>
    /// Creating a deleted session's id again and deleting it once more does not hide the first
    /// life's trail from the workspace's admins: every life its deletions ended comes first, oldest
    /// first, then the living session's, paged across them; a member sees the living one's alone.
    /// </summary>
    [Fact]
    public async Task DeletedLivesOfAnId_StayReadableByItsWorkspacesAdmins_WhenTheIdIsTakenAgain()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var id = Guid.NewGuid();
        async Task LiveAndDieAsync(string content)
        {
            await Client.CreateSessionAsync(workspace, owner, id, new { visibility = "workspace" });
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content });
            Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);
        }

        static IEnumerable<string> Types(IEnumerable<JsonObject> trail) => trail.Select(e => e["type"]!.GetValue<string>());
        string[] life = ["SessionCreated", "SessionShared", "TranscriptAppended", "SessionDeleted"];

        await LiveAndDieAsync("evidence");
        await LiveAndDieAsync("cover");
        Assert.Equal([.. life, .. life], Types(await AllAsync(workspace, admin, id, limit: 100)));
        Assert.Equal([.. life, .. life], Types(await AllAsync(workspace, admin, id, limit: 2)));

        await Client.CreateSessionAsync(workspace, owner, id, new { visibility = "workspace" });
        var trail = await AllAsync(workspace, admin, id, limit: 1);
        Assert.Equal([.. life, .. life, "SessionCreated", "SessionShared"], Types(trail));
        Assert.Equal(trail.Count, trail.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(["SessionCreated", "SessionShared"], Types(await AllAsync(workspace, owner, id, limit: 100)));
        await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={trail[0]["id"]}", owner.Token()).ExpectValidationErrorAsync("query", "after_id");
    }

    /// <summary>
    /// One id living and dying in two workspaces (deleted from the first, created in the second,
    /// deleted, created in the first again): each workspace's admin reads the lives its own
    /// deletions ended, and the living session's events where it lives, never a life of the other
    /// workspace's; a member of the second reads nothing there.
    /// </summary>
    [Fact]
    public async Task AnIdsLivesInTwoWorkspaces_AreReadEachByItsOwnWorkspacesAdmins()
    {
        var first = await TestWorkspace.CreateAsync(Factory);
        var second = await TestWorkspace.CreateAsync(Factory);
        var firstOwner = await first.AddMemberAsync();
        var firstAdmin = await first.AddMemberAsync(WorkspaceRole.Admin);
        var secondOwner = await second.AddMemberAsync();
        var secondAdmin = await second.AddMemberAsync(WorkspaceRole.Admin);
        var id = Guid.NewGuid();
        async Task LiveAsync(TestWorkspace workspace, TestUser owner, string content, bool die)
        {
            await Client.CreateSessionAsync(workspace, owner, id, new { visibility = "workspace" });
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content });
            if (die)
            {
                Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);
            }
        }

        static IEnumerable<string> Actors(IEnumerable<JsonObject> trail) => trail.Select(e => $"{e["type"]!.GetValue<string>()} {e["actor"]!["id"]!.GetValue<string>()}");
        string[] Life(TestUser owner, bool died) => [$"SessionCreated {owner.Id}", $"SessionShared {owner.Id}", $"TranscriptAppended {owner.Id}", .. died ? [$"SessionDeleted {owner.Id}"] : Array.Empty<string>()];

        await LiveAsync(first, firstOwner, "first life", die: true);
        await LiveAsync(second, secondOwner, "second life", die: true);
        await LiveAsync(first, firstOwner, "third life", die: false);

        Assert.Equal([.. Life(firstOwner, died: true), .. Life(firstOwner, died: false)], Actors(await AllAsync(first, firstAdmin, id, limit: 2)));
        Assert.Equal(Life(secondOwner, died: true), Actors(await AllAsync(second, secondAdmin, id, limit: 2)));
        Assert.Equal(Life(firstOwner, died: false), Actors(await AllAsync(first, firstOwner, id, limit: 100)));
        await Client.GetAsync($"{second.SessionPath(id)}/events", secondOwner.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>
    /// "Frozen sessions keep their trail forever" (CONTRACT 5.9): a session its owner froze and then
    /// deleted keeps its freeze in the trail its workspace's admins read, also once the id is taken
    /// and deleted again.
    /// </summary>
    [Fact]
    public async Task AFrozenSessionsTrail_KeepsItsFreeze_AfterItsDeletion_AndTheIdsReuse()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        await Client.PostAsync($"{workspace.SessionPath(id)}/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);
        await Client.CreateSessionAsync(workspace, owner, id, new { visibility = "workspace" });
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);

        var trail = await AllAsync(workspace, admin, id, limit: 100);

        Assert.Equal(["SessionCreated", "SessionShared", "SessionFrozen", "SessionDeleted", "SessionCreated", "SessionShared", "SessionDeleted"], trail.Select(e => e["type"]!.GetValue<string>()));
    }

    /// <summary>
    /// Events stored before they carried their life are placed by their time: lives whose creation
    /// left no event (from before the outbox kept them) begin after the deletion before them, and no
    /// event shows twice; a life begun since carries its own and follows them.
    /// </summary>
    [Fact]
    public async Task DeletedLivesWithoutARecordedCreation_DoNotOverlap()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var id = Guid.NewGuid();
        for (var life = 0; life < 2; life++)
        {
            await Client.CreateSessionAsync(workspace, owner, id, new { visibility = "workspace" });
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content = $"life {life}" });
            Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);
        }

        await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id && (o.Type == "SessionCreated" || o.Type == "SessionShared")).ExecuteDeleteAsync());
        await Factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == id).ExecuteUpdateAsync(set => set.SetProperty(o => o.LifeCreatedAt, (DateTime?)null)));

        var trail = await AllAsync(workspace, admin, id, limit: 100);
        await Client.CreateSessionAsync(workspace, owner, id, new { visibility = "workspace" });
        var withALaterLife = await AllAsync(workspace, admin, id, limit: 1);

        string[] stored = ["TranscriptAppended", "SessionDeleted", "TranscriptAppended", "SessionDeleted"];
        Assert.Equal(stored, trail.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal([.. stored, "SessionCreated", "SessionShared"], withALaterLife.Select(e => e["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Page_WithoutALimit_Holds100Events()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        for (var i = 0; i < 101; i++)
        {
            await Client.PostAsync($"{workspace.SessionPath(id)}/items", owner.Token(), new { item_type = "score", data = new { value = i } }).ExpectAsync(HttpStatusCode.Created);
        }

        var first = await Client.GetAsync($"{workspace.SessionPath(id)}/events", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var rest = await Client.GetAsync($"{workspace.SessionPath(id)}/events?after_id={first["next_after_id"]}", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var page = first["events"]!.AsArray();
        Assert.Equal(100, page.Count);
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal(page[^1]!["id"]!.GetValue<string>(), first["next_after_id"]!.GetValue<string>());
        Assert.Equal(2, rest["events"]!.AsArray().Count);
        Assert.False(rest["has_more"]!.GetValue<bool>());
        Assert.Equal((await AllAsync(workspace, owner, id, limit: 500)).Select(e => e["id"]!.GetValue<string>()), page.Concat(rest["events"]!.AsArray()).Select(e => e!["id"]!.GetValue<string>()));
    }

    private Task<List<JsonObject>> AllAsync(TestWorkspace workspace, TestUser user, Guid session, int limit) => Client.TrailAsync(workspace, user, session, limit);
}
