using System.Net;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

[Collection(SharedApiCollection.Name)]
public sealed class FreezeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task Freeze_ByFullId_SetsFrozenAtAndUser()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        Assert.Null(session["frozen_at"]);

        var frozen = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(session.Id(), frozen.Id());
        Assert.Equal("user", frozen["frozen_by"]!.GetValue<string>());
        var frozenAt = DateTime.Parse(frozen["frozen_at"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, frozenAt.Kind);
        Assert.InRange(frozenAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    /// <summary>
    /// CONTRACT 5.1: freezing is terminal. No route unfreezes (<c>/unfreeze</c> is no route, and
    /// <c>/freeze</c> takes no DELETE), and a PATCH naming <c>frozen_at</c> or <c>frozen_by</c>
    /// leaves both as the freeze set them.
    /// </summary>
    [Fact]
    public async Task Freeze_IsTerminal_NoRouteAndNoPatchUnfreezes()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var path = workspace.SessionPath((await Client.CreateSessionAsync(workspace, owner)).Id());
        var frozen = await (await Client.PostAsync(path + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        await (await Client.PostAsync(path + "/unfreeze", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.SendAsync(HttpMethod.Delete, path + "/freeze", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.MethodNotAllowed, "invalid_request");
        var patched = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "kept", frozen_at = (string?)null, frozen_by = (string?)null });
        var read = await Client.GetAsync(path, owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("kept", read["title"]!.GetValue<string>());
        Assert.Equal(frozen["frozen_at"]!.GetValue<string>(), read["frozen_at"]!.GetValue<string>());
        Assert.Equal("user", read["frozen_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task Freeze_ByEightCharacterPrefix_FreezesThatSession()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var frozen = await (await Client.PostAsync(workspace.SessionPath(session.Id().ToString()[..8]) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(session.Id(), frozen.Id());
        Assert.NotNull(frozen["frozen_at"]);
    }

    [Fact]
    public async Task Freeze_ByUppercaseFullIdOrPrefix_Resolves()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var upper = session.Id().ToString().ToUpperInvariant();

        await (await Client.PostAsync(workspace.SessionPath(upper) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var read = await (await Client.GetAsync(workspace.SessionPath(upper[..13]), owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(session.Id(), read.Id());
    }

    [Fact]
    public async Task Freeze_WhenAlreadyFrozen_KeepsFrozenAtAndFrozenBy()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var path = workspace.SessionPath(session.Id()) + "/freeze";
        var first = await (await Client.PostAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK);

        var evaluator = await workspace.AddMemberAsync();
        var second = await (await Client.PostAsync(path, evaluator.Token(Scopes.SessionsWrite, Scopes.SessionsEvaluate))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first["frozen_at"]!.GetValue<string>(), second["frozen_at"]!.GetValue<string>());
        Assert.Equal("user", second["frozen_by"]!.GetValue<string>());
        Assert.Equal(first["updated_at"]!.GetValue<string>(), second["updated_at"]!.GetValue<string>());
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionFrozen"));
    }

    [Fact]
    public async Task Freeze_WithEvaluateScope_StampsEvaluationEvenOnAnotherUsersPrivateSession()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var evaluator = await workspace.AddMemberAsync();

        var frozen = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", evaluator.Token(Scopes.SessionsEvaluate))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("evaluation", frozen["frozen_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task EvaluationScope_WidensOnlyFreezing_NotReading()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var evaluator = await workspace.AddMemberAsync();
        var token = evaluator.Token(Scopes.SessionsRead, Scopes.SessionsEvaluate);

        await (await Client.GetAsync(workspace.SessionPath(session.Id()), token)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.GetAsync($"{workspace.SessionPath(session.Id())}/transcript", token)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var list = await (await Client.GetAsync(workspace.SessionsPath, token)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, list["total"]!.GetValue<int>());
        await (await Client.PostAsync(workspace.SessionPath(session.Id().ToString()[..8]) + "/freeze", token)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Freeze_ByWorkspaceAdminOfSharedSession_Succeeds()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        var frozen = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", admin.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("user", frozen["frozen_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task Freeze_Answer_EqualsWhatAGetReturnsAfterwards()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { title = "t", labels = new Dictionary<string, string[]> { ["team"] = ["red", "blue"] }, visibility = "workspace" });

        var freeze = await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token());
        var frozen = await freeze.ExpectAsync(HttpStatusCode.OK);
        var get = await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token());
        var read = await get.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(frozen.ToJsonString(), read.ToJsonString());
        Assert.Equal(freeze.Headers.ETag, get.Headers.ETag);
        Assert.NotEqual(session["updated_at"]!.GetValue<string>(), read["updated_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task Freeze_TwentyAtOnce_AllAnswer200AndOneEventIsStored()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var path = workspace.SessionPath(session.Id()) + "/freeze";
        var token = owner.Token();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Factory.CreateClient().PostAsync(path, token)));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync(HttpStatusCode.OK)));

        Assert.Single(bodies.Select(b => b["frozen_at"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionFrozen"));
    }

    [Fact]
    public async Task Freeze_ByViewer_Is403AndChangesNothing()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);

        await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", viewer.Token())).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", viewer.Token(Scopes.SessionsEvaluate))).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");

        Assert.Equal(0, await EventCountAsync(session.Id(), "SessionFrozen"));
    }

    /// <summary>
    /// A viewer freezes nothing, with the evaluation scope too: another user's private session is
    /// 404 to them as on every route (CONTRACT §3), by full id and by prefix, alone and in a bulk
    /// freeze, never a 403 that would tell it exists.
    /// </summary>
    [Fact]
    public async Task Freeze_OfAnotherUsersPrivateSession_ByAViewerWithTheEvaluationScope_Is404()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var hidden = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);
        var token = viewer.Token(Scopes.SessionsRead, Scopes.SessionsWrite, Scopes.SessionsEvaluate);

        await (await Client.GetAsync(workspace.SessionPath(hidden), token)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.PostAsync(workspace.SessionPath(hidden) + "/freeze", token)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.PostAsync(workspace.SessionPath(hidden.ToString()[..8]) + "/freeze", token)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var bulk = await (await Client.PostAsync($"{workspace.SessionsPath}/bulk-freeze", token, new { session_ids = new[] { hidden } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(bulk["frozen"]!.AsArray());
        Assert.Equal(404, bulk["failed"]!.AsArray().Single()!["code"]!.GetValue<int>());

        Assert.Equal(0, await EventCountAsync(hidden, "SessionFrozen"));
    }

    [Fact]
    public async Task Freeze_SharedSessionOfAnotherMember_Is403()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var member = await workspace.AddMemberAsync();

        await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", member.Token())).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task Freeze_WithoutWriteOrEvaluateScope_Is403()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var envelope = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token(Scopes.SessionsRead))).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");

        Assert.Contains(Scopes.SessionsWrite, envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Freeze_UnknownSession_Is404()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();

        await (await Client.PostAsync(workspace.SessionPath(Guid.NewGuid()) + "/freeze", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.PostAsync(workspace.SessionPath("0123abcd") + "/freeze", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Freeze_AnotherUsersPrivateSession_Is404ByIdAndByPrefix()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var other = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", other.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.PostAsync(workspace.SessionPath(session.Id().ToString()[..8]) + "/freeze", other.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.GetAsync(workspace.SessionPath(session.Id()), other.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await EventCountAsync(session.Id(), "SessionFrozen"));
    }

    [Fact]
    public async Task Freeze_InWorkspaceTheCallerIsNotAMemberOf_Is404()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var elsewhere = await TestWorkspace.CreateAsync(Factory);
        var stranger = await elsewhere.AddMemberAsync(WorkspaceRole.Admin);

        var envelope = await (await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", stranger.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var unknownWorkspace = await (await Client.PostAsync($"/api/v1/org/{workspace.Org}/ws/no-such-ws/sessions/{session.Id()}/freeze", stranger.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(unknownWorkspace["detail"]!.ToJsonString(), envelope["detail"]!.ToJsonString());
        Assert.Equal(0, await EventCountAsync(session.Id(), "SessionFrozen"));
    }

    [Fact]
    public async Task Freeze_SessionOfAnotherWorkspaceAddressedThroughOwnWorkspace_Is404()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var own = await TestWorkspace.CreateAsync(Factory);
        var stranger = await own.AddMemberAsync(WorkspaceRole.Admin);

        await (await Client.PostAsync(own.SessionPath(session.Id()) + "/freeze", stranger.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>The count is of the sessions the caller sees: another member's private session under the prefix is not counted (it does not exist for them).</summary>
    [Fact]
    public async Task Freeze_AmbiguousPrefix_Is400WithTheCountOfTheSessionsTheCallerSees()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var other = await workspace.AddMemberAsync();
        var prefix = Guid.NewGuid().ToString()[..8];
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix));
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix));
        await Client.CreateSessionAsync(workspace, other, SessionRequests.IdWithPrefix(prefix));

        var mine = await (await Client.PostAsync(workspace.SessionPath(prefix) + "/freeze", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "ambiguous_session_id");
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix));
        var more = await (await Client.PostAsync(workspace.SessionPath(prefix) + "/freeze", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "ambiguous_session_id");

        Assert.Equal("The session id prefix matches 2 sessions; give more characters.", mine["detail"]!.GetValue<string>());
        Assert.Equal("The session id prefix matches 3 sessions; give more characters.", more["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resolve_PrefixMatchingOnlyAnInvisibleSessionBesideAVisibleOne_IsNotAmbiguous()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var other = await workspace.AddMemberAsync();
        var prefix = Guid.NewGuid().ToString()[..6];
        var mine = await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix));
        await Client.CreateSessionAsync(workspace, other, SessionRequests.IdWithPrefix(prefix));

        var read = await (await Client.GetAsync(workspace.SessionPath(prefix), owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(mine.Id(), read.Id());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("abcz")]
    [InlineData("abcd%")]
    [InlineData("abcd_123")]
    [InlineData("abcd12345")]
    [InlineData("{abcdef12-3456-7890-abcd-ef1234567890}")]
    public async Task Freeze_InvalidSessionId_Is422AtPathSessionId(string segment)
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();

        var error = await (await Client.PostAsync(workspace.SessionPath(Uri.EscapeDataString(segment)) + "/freeze", owner.Token())).ExpectValidationErrorAsync("path", "session_id");

        Assert.Equal("value_error", error["type"]!.GetValue<string>());
    }
}
