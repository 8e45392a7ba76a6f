using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

[Collection(SharedApiCollection.Name)]
public sealed class LifecycleTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Theory]
    [InlineData("archive", "unarchive", "archived_at", "SessionArchived", "SessionUnarchived")]
    [InlineData("pin", "unpin", "pinned_at", "SessionPinned", "SessionUnpinned")]
    public async Task SetAndClear_AreIdempotent(string set, string clear, string field, string setEvent, string clearEvent)
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var path = workspace.SessionPath(session.Id());

        var first = await (await Client.PostAsync($"{path}/{set}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var again = await (await Client.PostAsync($"{path}/{set}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var cleared = await (await Client.PostAsync($"{path}/{clear}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var clearedAgain = await (await Client.PostAsync($"{path}/{clear}", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(first[field]);
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        Assert.Null(cleared[field]);
        Assert.Equal(cleared.ToJsonString(), clearedAgain.ToJsonString());
        Assert.Equal(1, await EventCountAsync(session.Id(), setEvent));
        Assert.Equal(1, await EventCountAsync(session.Id(), clearEvent));
    }

    [Fact]
    public async Task EveryAnswerThatCarriesTheSession_CarriesItsCurrentETag()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "one" }, new { role = "assistant", content = "two" });
        (HttpMethod Method, string Path, object? Body)[] changes =
        [
            (HttpMethod.Patch, path, new { title = "t" }),
            (HttpMethod.Post, $"{path}/archive", null),
            (HttpMethod.Post, $"{path}/unarchive", null),
            (HttpMethod.Post, $"{path}/pin", null),
            (HttpMethod.Post, $"{path}/unpin", null),
            (HttpMethod.Post, $"{path}/transcript/compact", new { summary = new { role = "system", content = "s" }, up_to_seq = 1 }),
            (HttpMethod.Post, $"{path}/freeze", null),
        ];

        var tags = new List<string>();
        foreach (var (method, target, body) in changes)
        {
            var response = await Client.SendAsync(method, target, owner.Token(), body);
            var answer = await response.ExpectAsync(HttpStatusCode.OK);
            var read = await Client.GetAsync(path, owner.Token());
            await read.ExpectAsync(HttpStatusCode.OK);

            Assert.True(response.Headers.ETag is not null, $"{method} {target} answered without an ETag");
            Assert.Equal(read.Headers.ETag!.Tag, response.Headers.ETag!.Tag);
            Assert.Equal(session.ToString(), answer["id"]!.GetValue<string>());
            tags.Add(response.Headers.ETag.Tag);
        }

        Assert.Equal(tags.Count, tags.Distinct().Count());
    }

    [Fact]
    public async Task ArchivedSession_IsStillResolvedByPrefix_AndEveryAnswerCarriesTheNewETag()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var archive = await Client.PostAsync(workspace.SessionPath(session.Id()) + "/archive", owner.Token());
        var pin = await Client.PostAsync(workspace.SessionPath(session.Id().ToString()[..6]) + "/pin", owner.Token());
        var read = await Client.GetAsync(workspace.SessionPath(session.Id().ToString()[..6]), owner.Token());

        await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["\"2\"", "\"3\"", "\"3\""], new[] { archive, pin, read }.Select(r => r.Headers.ETag!.Tag));
    }

    [Fact]
    public async Task Pin_FrozenSession_IsAllowed()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var pinned = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/pin", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(pinned["pinned_at"]);
        Assert.NotNull(pinned["frozen_at"]);
    }

    [Fact]
    public async Task Archive_FrozenSession_IsAllowed()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var archived = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/archive", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(archived["archived_at"]);
        Assert.NotNull(archived["frozen_at"]);
    }

    [Fact]
    public async Task Delete_Answers204_ThenTheSessionAndItsLabelsAreGone()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["k"] = ["v"] } });

        var response = await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session.Id().ToString()[..8]), owner.Token());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session.Id()), owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionDeleted"));
        var labelRows = await Factory.WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM session_labels WHERE session_id = {session.Id()}").SingleAsync());
        Assert.Equal(0, labelRows);
    }

    [Fact]
    public async Task Delete_SessionFrozenByUser_IsAllowedForItsOwner()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        await Client.AppendAsync(workspace, owner, session.Id(), new { role = "user", content = "evidence" });
        await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var response = await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session.Id()), owner.Token());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionDeleted"));
        var messageRows = await Factory.WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM session_messages WHERE session_id = {session.Id()}").SingleAsync());
        Assert.Equal(0, messageRows);
    }

    /// <summary>
    /// An evaluation's freeze of a session a user froze first changes nothing (CONTRACT 5.1:
    /// <c>frozen_by</c> unchanged), so the session stays one its owner may delete (ADR 0044).
    /// </summary>
    [Fact]
    public async Task Delete_SessionFrozenByUser_ThenFrozenAgainByAnEvaluation_IsStillAllowedForItsOwner()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var evaluator = await workspace.AddMemberAsync();
        var path = workspace.SessionPath(session.Id());
        await Client.PostAsync(path + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var again = await (await Client.PostAsync(path + "/freeze", evaluator.Token(Scopes.SessionsEvaluate))).ExpectAsync(HttpStatusCode.OK);

        var response = await Client.SendAsync(HttpMethod.Delete, path, owner.Token());

        Assert.Equal("user", again["frozen_by"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await Client.GetAsync(path, owner.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionDeleted"));
    }

    /// <summary>A workspace admin may delete a member's session that the member froze, as any change of it (CONTRACT 3; ADR 0044).</summary>
    [Fact]
    public async Task Delete_MembersSessionFrozenByTheMember_IsAllowedForAWorkspaceAdmin()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var path = workspace.SessionPath(session.Id());
        await Client.PostAsync(path + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var response = await Client.SendAsync(HttpMethod.Delete, path, admin.Token());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await Client.GetAsync(path, owner.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionDeleted"));
    }

    [Fact]
    public async Task Delete_SessionFrozenByEvaluation_Is409SessionFrozenAndItStays()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var evaluator = await workspace.AddMemberAsync();
        await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", evaluator.Token(Scopes.SessionsEvaluate))).ExpectAsync(HttpStatusCode.OK);

        await (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session.Id()), owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");

        await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, await EventCountAsync(session.Id(), "SessionDeleted"));
    }

    [Fact]
    public async Task Delete_ByViewerOrNonOwner_Is403()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);
        var member = await workspace.AddMemberAsync();

        await (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session.Id()), viewer.Token())).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session.Id()), member.Token())).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }
}
