using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

/// <summary>
/// CONTRACT §3's scopes on every session route (a token without the scope a route needs is 403 and
/// changes nothing, even for the session's owner), and the edges of tenancy the role tests do not
/// reach: an evaluator of one workspace and another's sessions, a deleted session's trail asked
/// from another workspace, an id another tenant already uses.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class ScopeAndTenantEdgeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task EveryRoute_WithoutTheScopeItNeeds_Is403ForTheOwner_AndChangesNothing()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["t"] = ["x"] } })).Id();
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "q" }, new { role = "assistant", content = "a" });
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var path = workspace.SessionPath(id);
        var before = await SnapshotAsync(workspace, owner, id, group);

        (HttpMethod Method, string Path, object? Body)[] writes =
        [
            (HttpMethod.Post, workspace.SessionsPath, new { id = Guid.NewGuid(), model = "m" }),
            (HttpMethod.Patch, path, new { title = "changed" }),
            (HttpMethod.Delete, path, null),
            (HttpMethod.Post, $"{path}/archive", null),
            (HttpMethod.Post, $"{path}/unarchive", null),
            (HttpMethod.Post, $"{path}/pin", null),
            (HttpMethod.Post, $"{path}/unpin", null),
            (HttpMethod.Post, $"{path}/transcript", new { messages = new[] { new { role = "user", content = "injected" } } }),
            (HttpMethod.Post, $"{path}/transcript/compact", new { summary = new { role = "system", content = "s" }, up_to_seq = 1 }),
            (HttpMethod.Post, $"{path}/rewind", new { from_seq = 1 }),
            (HttpMethod.Post, $"{path}/items", new { item_type = "finding", data = new { } }),
            (HttpMethod.Post, $"{workspace.SessionsPath}/groups", new { kind = "workflow", project_id = Guid.NewGuid() }),
            (HttpMethod.Patch, $"{workspace.SessionsPath}/groups/{group}", new { title = "changed" }),
            (HttpMethod.Post, $"{workspace.SessionsPath}/bulk-share", new { session_ids = new[] { id } }),
            (HttpMethod.Post, $"{workspace.SessionsPath}/bulk-delete", new { session_ids = new[] { id } }),
        ];
        (HttpMethod Method, string Path, object? Body)[] freezes =
        [
            (HttpMethod.Post, $"{path}/freeze", null),
            (HttpMethod.Post, $"{workspace.SessionsPath}/bulk-freeze", new { session_ids = new[] { id } }),
        ];
        string[] reads =
        [
            workspace.SessionsPath,
            path,
            $"{workspace.SessionsPath}/facets",
            $"{workspace.SessionsPath}/usage?group_by=model",
            $"{path}/transcript",
            $"{path}/messages/search?q=q",
            $"{path}/trajectory",
            $"{path}/items",
            $"{path}/events",
            $"{workspace.SessionsPath}/groups",
            $"{workspace.SessionsPath}/groups/{group}",
            $"{workspace.SessionsPath}/grouped",
        ];

        var mismatches = new List<string>();
        async Task ExpectForbiddenAsync(HttpMethod method, string route, object? body, string token, string scopes)
        {
            var response = await Client.SendAsync(method, route, token, body);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                mismatches.Add($"{method} {route} with {scopes}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return;
            }

            await response.ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        }

        foreach (var (method, route, body) in writes.Concat(freezes))
        {
            await ExpectForbiddenAsync(method, route, body, owner.Token(Scopes.SessionsRead), "sessions:read");
        }

        foreach (var (method, route, body) in writes)
        {
            await ExpectForbiddenAsync(method, route, body, owner.Token(Scopes.SessionsRead, Scopes.SessionsEvaluate), "sessions:read sessions:evaluate");
        }

        foreach (var route in reads)
        {
            await ExpectForbiddenAsync(HttpMethod.Get, route, null, owner.Token(Scopes.SessionsWrite), "sessions:write");
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
        Assert.Equal(before, await SnapshotAsync(workspace, owner, id, group));
    }

    /// <summary>
    /// 403 is only for what the caller can see (CONTRACT §1, §2): without the scope an operation
    /// needs, a workspace the caller is not a member of is still 404, and so is another member's
    /// private session, by full id or by prefix; a session the caller sees is 403.
    /// </summary>
    [Fact]
    public async Task WithoutTheScope_WhatTheCallerCannotSee_IsStill404()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var hidden = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "private" })).Id();
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        var outsider = await (await TestWorkspace.CreateAsync(Factory)).AddMemberAsync();

        foreach (var reference in new[] { hidden.ToString(), hidden.ToString()[..8] })
        {
            await Client.PostAsync($"{workspace.SessionPath(reference)}/freeze", colleague.Token(Scopes.SessionsRead)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await Client.PostAsync($"{workspace.SessionPath(reference)}/archive", colleague.Token(Scopes.SessionsRead)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await Client.GetAsync(workspace.SessionPath(reference), colleague.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await Client.GetAsync($"{workspace.SessionPath(reference)}/transcript", colleague.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        }

        await Client.PostAsync($"{workspace.SessionPath(hidden)}/freeze", outsider.Token(Scopes.SessionsRead)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.GetAsync(workspace.SessionsPath, outsider.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.PostAsync($"{workspace.SessionPath(shared)}/freeze", colleague.Token(Scopes.SessionsRead)).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await Client.GetAsync(workspace.SessionPath(shared), colleague.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await Client.GetAsync(workspace.SessionsPath, colleague.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Null((await Client.GetAsync(workspace.SessionPath(hidden), owner.Token()).ExpectAsync(HttpStatusCode.OK))["frozen_at"]);

        // A prefix two sessions the caller sees share is as ambiguous without the scope as with it.
        var prefix = Guid.NewGuid().ToString()[..8];
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix));
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix));
        await Client.PostAsync($"{workspace.SessionPath(prefix)}/freeze", owner.Token(Scopes.SessionsRead)).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "ambiguous_session_id");
    }

    /// <summary>
    /// The same split on every route about one session, by full id and by prefix: without the
    /// scope the route needs, another member's private session is 404 and unchanged, and a session
    /// of the workspace the caller sees is 403.
    /// </summary>
    [Fact]
    public async Task WithoutTheScope_EverySingleSessionRoute_Is404ForAHiddenSession_And403ForAVisibleOne()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var hidden = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "private" })).Id();
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        foreach (var id in new[] { hidden, shared })
        {
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "q" }, new { role = "assistant", content = "a" });
        }

        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var before = await SnapshotAsync(workspace, owner, hidden, group);

        (HttpMethod Method, string Suffix, object? Body, string Scope)[] routes =
        [
            (HttpMethod.Get, "", null, Scopes.SessionsWrite),
            (HttpMethod.Get, "/transcript", null, Scopes.SessionsWrite),
            (HttpMethod.Get, "/messages/search?q=q", null, Scopes.SessionsWrite),
            (HttpMethod.Get, "/trajectory", null, Scopes.SessionsWrite),
            (HttpMethod.Get, "/items", null, Scopes.SessionsWrite),
            (HttpMethod.Get, "/events", null, Scopes.SessionsWrite),
            (HttpMethod.Patch, "", new { title = "changed" }, Scopes.SessionsRead),
            (HttpMethod.Delete, "", null, Scopes.SessionsRead),
            (HttpMethod.Post, "/archive", null, Scopes.SessionsRead),
            (HttpMethod.Post, "/unarchive", null, Scopes.SessionsRead),
            (HttpMethod.Post, "/pin", null, Scopes.SessionsRead),
            (HttpMethod.Post, "/unpin", null, Scopes.SessionsRead),
            (HttpMethod.Post, "/transcript", new { messages = new[] { new { role = "user", content = "injected" } } }, Scopes.SessionsEvaluate),
            (HttpMethod.Post, "/transcript/compact", new { summary = new { role = "system", content = "s" }, up_to_seq = 1 }, Scopes.SessionsEvaluate),
            (HttpMethod.Post, "/rewind", new { from_seq = 1 }, Scopes.SessionsEvaluate),
            (HttpMethod.Post, "/items", new { item_type = "finding", data = new { } }, Scopes.SessionsEvaluate),
            (HttpMethod.Post, "/freeze", null, Scopes.SessionsRead),
        ];

        var mismatches = new List<string>();
        async Task ExpectAsync(HttpMethod method, string route, object? body, string scope, HttpStatusCode status, string code)
        {
            var response = await Client.SendAsync(method, route, colleague.Token(scope), body);
            if (response.StatusCode != status)
            {
                mismatches.Add($"{method} {route} with {scope}: {(int)response.StatusCode}, expected {(int)status}");
                return;
            }

            await response.ExpectEnvelopeAsync(status, code);
        }

        foreach (var (method, suffix, body, scope) in routes)
        {
            foreach (var reference in new[] { hidden.ToString(), hidden.ToString()[..8] })
            {
                await ExpectAsync(method, workspace.SessionPath(reference) + suffix, body, scope, HttpStatusCode.NotFound, "not_found");
            }

            await ExpectAsync(method, workspace.SessionPath(shared.ToString()[..8]) + suffix, body, scope, HttpStatusCode.Forbidden, "permission_denied");
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
        Assert.Equal(before, await SnapshotAsync(workspace, owner, hidden, group));
    }

    /// <summary>An invisible group answers 404 like a session (CONTRACT §5.5), without the scope too; one the caller sees is 403 and unchanged.</summary>
    [Fact]
    public async Task WithoutTheScope_AGroupTheCallerCannotSee_Is404_AndOneTheySee_Is403()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var creator = await workspace.AddMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        async Task<string> GroupAsync() =>
            (await Client.PostAsync($"{workspace.SessionsPath}/groups", creator.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), title = "t" }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var hidden = await GroupAsync();
        var seen = await GroupAsync();
        await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = hidden });
        await Client.CreateSessionAsync(workspace, creator, extra: new { group_id = seen, visibility = "workspace" });

        foreach (var (group, status, code) in new[] { (hidden, HttpStatusCode.NotFound, "not_found"), (seen, HttpStatusCode.Forbidden, "permission_denied") })
        {
            var path = $"{workspace.SessionsPath}/groups/{group}";
            await Client.GetAsync(path, colleague.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(status, code);
            await Client.SendAsync(HttpMethod.Patch, path, colleague.Token(Scopes.SessionsRead), new { title = "changed" }).ExpectEnvelopeAsync(status, code);
            Assert.Equal("t", (await Client.GetAsync(path, creator.Token()).ExpectAsync(HttpStatusCode.OK))["group"]!["title"]!.GetValue<string>());
        }

        await Client.GetAsync($"{workspace.SessionsPath}/groups/{Guid.NewGuid()}", colleague.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AnEvaluatorOfOneWorkspace_CannotFreezeAnothersSession_ByAnyRoute()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var elsewhere = await TestWorkspace.CreateAsync(Factory, workspace.Org);
        var evaluator = await elsewhere.AddMemberAsync(WorkspaceRole.Admin);
        var token = evaluator.Token(Scopes.SessionsRead, Scopes.SessionsWrite, Scopes.SessionsEvaluate);

        await Client.PostAsync($"{workspace.SessionPath(id)}/freeze", token).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.PostAsync($"{elsewhere.SessionPath(id)}/freeze", token).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.PostAsync($"{elsewhere.SessionPath(id.ToString()[..8])}/freeze", token).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var bulk = await Client.PostAsync($"{elsewhere.SessionsPath}/bulk-freeze", token, new { session_ids = new[] { id } }).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(bulk["frozen"]!.AsArray());
        Assert.Equal(404, Assert.Single(bulk["failed"]!.AsArray())!["code"]!.GetValue<int>());
        Assert.Equal(0, await EventCountAsync(id, "SessionFrozen"));
        var read = await Client.GetAsync(workspace.SessionPath(id), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(read["frozen_at"]);
    }

    [Theory]
    [InlineData("workspace")]
    [InlineData("private")]
    public async Task ADeletedSessionsTrail_IsReadByItsWorkspacesAdmins_AndByNoAdminOfAnotherWorkspace(string visibility)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var elsewhere = await TestWorkspace.CreateAsync(Factory, workspace.Org);
        var otherAdmin = await elsewhere.AddMemberAsync(WorkspaceRole.Admin);
        var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility })).Id();
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "evidence" });
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);

        var trail = await Client.GetAsync($"{workspace.SessionPath(id)}/events", admin.Token()).ExpectAsync(HttpStatusCode.OK);
        string[] life = visibility == "workspace"
            ? ["SessionCreated", "SessionShared", "TranscriptAppended", "SessionDeleted"]
            : ["SessionCreated", "TranscriptAppended", "SessionDeleted"];
        Assert.Equal(life, trail["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        await Client.GetAsync($"{elsewhere.SessionPath(id)}/events", otherAdmin.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await Client.GetAsync($"{workspace.SessionPath(id)}/events", otherAdmin.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task CreatingASessionWithAnIdAnotherTenantUses_Is409_RevealingNothing_AndLeavesTheirsAlone()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var theirs = await Client.CreateSessionAsync(workspace, owner, extra: new { title = "their secret title" });
        var (other, intruder) = await AWorkspaceWithAMemberAsync();

        var envelope = await Client.PostAsync(other.SessionsPath, intruder.Token(), new { id = theirs.Id(), model = "m", title = "mine" })
            .ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");

        var detail = envelope["detail"]!.GetValue<string>();
        Assert.DoesNotContain("secret", detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(workspace.Workspace, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(workspace.Org, detail, StringComparison.Ordinal);
        await Client.GetAsync(other.SessionPath(theirs.Id()), intruder.Token()).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var read = await Client.GetAsync(workspace.SessionPath(theirs.Id()), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(theirs.ToJsonString(), read.ToJsonString());
        Assert.Equal(1, await EventCountAsync(theirs.Id(), "SessionCreated"));
    }

    [Fact]
    public async Task ASessionWithAWorkspacesOrAGroupsId_HasATrailOfItsOwnEventsOnly()
    {
        var (workspace, member) = await AWorkspaceWithAMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        await Client.SendAsync(HttpMethod.Put, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{member.Id}", admin.Token(), new { role = "member" }).ExpectAsync(HttpStatusCode.OK);
        var group = Guid.Parse((await Client.PostAsync($"{workspace.SessionsPath}/groups", member.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>());

        foreach (var id in new[] { workspace.WorkspaceId, group })
        {
            await Client.CreateSessionAsync(workspace, member, id);
            var trail = await Client.GetAsync($"{workspace.SessionPath(id)}/events", member.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(["SessionCreated"], trail["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
            var native = await Client.GetAsync($"{workspace.SessionPath(id)}/trajectory?format=native", member.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(["SessionCreated"], native["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ADeletedSessionsIdTakenAgain_StartsATrailOfItsOwn_AndTheDeletedLifeStaysItsWorkspaceAdmins()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "private evidence" });
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);
        var (other, stranger) = await AWorkspaceWithAMemberAsync();
        var otherAdmin = await other.AddMemberAsync(WorkspaceRole.Admin);

        await Client.CreateSessionAsync(other, stranger, id);
        static IEnumerable<string> Types(JsonObject trail) => trail["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>());
        Assert.Equal(["SessionCreated"], Types(await Client.GetAsync($"{other.SessionPath(id)}/events", stranger.Token()).ExpectAsync(HttpStatusCode.OK)));
        var native = await Client.GetAsync($"{other.SessionPath(id)}/trajectory?format=native", stranger.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["SessionCreated"], native["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(["SessionCreated", "TranscriptAppended", "SessionDeleted"], Types(await Client.GetAsync($"{workspace.SessionPath(id)}/events", admin.Token()).ExpectAsync(HttpStatusCode.OK)));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, other.SessionPath(id), stranger.Token())).StatusCode);
        Assert.Equal(["SessionCreated", "TranscriptAppended", "SessionDeleted"], Types(await Client.GetAsync($"{workspace.SessionPath(id)}/events", admin.Token()).ExpectAsync(HttpStatusCode.OK)));
        Assert.Equal(["SessionCreated", "SessionDeleted"], Types(await Client.GetAsync($"{other.SessionPath(id)}/events", otherAdmin.Token()).ExpectAsync(HttpStatusCode.OK)));
    }

    /// <summary>The session as its owner reads it, its transcript, its events and items, and the group.</summary>
    private async Task<string> SnapshotAsync(TestWorkspace workspace, TestUser owner, Guid id, string group)
    {
        var parts = new List<string>();
        foreach (var route in new[] { workspace.SessionPath(id), $"{workspace.SessionPath(id)}/transcript?include_compacted=true", $"{workspace.SessionsPath}/groups/{group}", $"{workspace.SessionsPath}?archived=any" })
        {
            parts.Add(await (await Client.GetAsync(route, owner.Token())).Content.ReadAsStringAsync());
        }

        parts.Add((await Factory.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.AggregateId == id))).ToString(System.Globalization.CultureInfo.InvariantCulture));
        parts.Add((await Factory.WithDbAsync(db => db.Items.CountAsync(i => i.SessionId == id))).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join('\n', parts);
    }
}
