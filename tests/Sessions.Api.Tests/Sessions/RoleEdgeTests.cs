using System.Net;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

/// <summary>
/// CONTRACT §3 at the edges of the roles: a viewer changes nothing, not even a session they own;
/// a workspace admin changes any session they can see, through every write route; workload
/// sessions stay out of a group's reads unless asked for (§5.4, §5.5).
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class RoleEdgeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task AMemberDemotedToViewer_ReadsTheirOwnSession_ButChangesNothingOfIt()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, member)).Id();
        await Client.AppendAsync(workspace, member, id, new { role = "user", content = "q" });
        await Client.SendAsync(HttpMethod.Put, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{member.Id}", admin.Token(), new { role = "viewer" }).ExpectAsync(HttpStatusCode.OK);
        var path = workspace.SessionPath(id);
        var before = await Client.GetAsync(path, member.Token()).ExpectAsync(HttpStatusCode.OK);

        (HttpMethod Method, string Path, object? Body)[] changes =
        [
            (HttpMethod.Patch, path, new { title = "changed" }),
            (HttpMethod.Delete, path, null),
            (HttpMethod.Post, $"{path}/transcript", new { messages = new[] { new { role = "user", content = "more" } } }),
            (HttpMethod.Post, $"{path}/rewind", new { from_seq = 1 }),
            (HttpMethod.Post, $"{path}/freeze", null),
            (HttpMethod.Post, $"{path}/archive", null),
            (HttpMethod.Post, $"{path}/items", new { item_type = "finding", data = new { } }),
        ];
        foreach (var (method, route, body) in changes)
        {
            await Client.SendAsync(method, route, member.Token(), body).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        }

        var after = await Client.GetAsync(path, member.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task AWorkspaceAdmin_ChangesAMembersSharedSession_ThroughEveryWriteRoute()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, member, extra: new { visibility = "workspace" })).Id();
        var path = workspace.SessionPath(id);
        var token = admin.Token();

        await Client.AppendAsync(workspace, admin, id, new { role = "user", content = "first" }, new { role = "assistant", content = "answer" }, new { role = "user", content = "second" });
        await Client.PostAsync($"{path}/transcript/compact", token, new { summary = new { role = "system", content = "summary" }, up_to_seq = 2 }).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{path}/rewind", token, new { from_seq = 3 }).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{path}/archive", token).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{path}/unarchive", token).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync($"{path}/items", token, new { item_type = "finding", data = new { } }).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, path, token)).StatusCode);

        await Client.GetAsync(path, member.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var other = (await Client.CreateSessionAsync(workspace, member, extra: new { visibility = "workspace" })).Id();
        var bulk = await Client.PostAsync($"{workspace.SessionsPath}/bulk-delete", token, new { session_ids = new[] { other } }).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(bulk["failed"]!.AsArray());
        await Client.GetAsync(workspace.SessionPath(other), member.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AGroupsReads_LeaveWorkloadSessionsOut_UnlessAskedFor()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var user = (await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = group })).Id();
        var eval = (await Client.CreateSessionAsync(workspace, owner, extra: new { group_id = group, origin = "eval" })).Id();
        await Client.AppendAsync(workspace, owner, eval, new { role = "user", content = "workload", usage = new { input_tokens = 7 } });

        var plain = await Client.GetAsync($"{workspace.SessionsPath}/groups/{group}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var asked = await Client.GetAsync($"{workspace.SessionsPath}/groups/{group}?include_workload_sessions=true", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([user.ToString()], plain["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal(new[] { user, eval }.Select(i => i.ToString()).Order(StringComparer.Ordinal), asked["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var grouped = await Client.GetAsync($"{workspace.SessionsPath}/grouped", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var bucket = grouped["groups"]!.AsArray().Single(b => b!["group"]?["id"]?.GetValue<string>() == group)!;
        Assert.Equal([user.ToString()], bucket["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        var withWorkload = await Client.GetAsync($"{workspace.SessionsPath}/grouped?include_workload_sessions=true", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var full = withWorkload["groups"]!.AsArray().Single(b => b!["group"]?["id"]?.GetValue<string>() == group)!;
        Assert.Equal(2, full["sessions"]!.AsArray().Count);
    }
}
