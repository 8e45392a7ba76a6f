using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

[Collection(SharedApiCollection.Name)]
public sealed class UpdateSessionTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task Patch_PartialUpdate_ChangesOnlyTheFieldsSent()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { title = "old", agent = "a1", labels = new Dictionary<string, string[]> { ["k"] = ["v"] } });

        var response = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { title = "new", message_count = 4 });
        var updated = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("new", updated["title"]!.GetValue<string>());
        Assert.Equal(4, updated["message_count"]!.GetValue<int>());
        Assert.Equal("a1", updated["agent"]!.GetValue<string>());
        Assert.Equal("gpt-4o", updated["model"]!.GetValue<string>());
        Assert.Equal("""{"k":["v"]}""", updated["labels"]!.ToJsonString());
        Assert.Equal("\"2\"", response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Patch_ModelAndAgent_AreStoredAndRead()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { agent = "a1" });

        var updated = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { model = "claude-4", agent = "reviewer" }).ExpectAsync(HttpStatusCode.OK);
        var read = await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("claude-4", "reviewer"), (updated["model"]!.GetValue<string>(), updated["agent"]!.GetValue<string>()));
        Assert.Equal(updated.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task Patch_Labels_ReplaceTheWholeMap()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["a"] = ["1"], ["b"] = ["2"] } });

        var updated = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { labels = new Dictionary<string, string[]> { ["c"] = ["3", "3", "4"] } })).ExpectAsync(HttpStatusCode.OK);
        var cleared = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { labels = new Dictionary<string, string[]>() })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("""{"c":["3","4"]}""", updated["labels"]!.ToJsonString());
        Assert.Equal("{}", cleared["labels"]!.ToJsonString());
    }

    [Fact]
    public async Task Patch_NothingChanged_KeepsVersionAndRaisesNoEvent()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { title = "same" });

        var response = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { title = "same", model = (string?)null });
        var same = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal(session["updated_at"]!.GetValue<string>(), same["updated_at"]!.GetValue<string>());
        Assert.Equal(0, await EventCountAsync(session.Id(), "SessionUpdated"));
    }

    [Fact]
    public async Task Patch_PromoteToWorkspace_RecordsSharedByAndSharedAt()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var shared = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { visibility = "workspace" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("workspace", shared["visibility"]!.GetValue<string>());
        Assert.Equal(owner.Id.ToString(), shared["shared_by"]!["id"]!.GetValue<string>());
        Assert.NotNull(shared["shared_at"]);
        Assert.Equal(1, await EventCountAsync(session.Id(), "SessionShared"));
    }

    [Fact]
    public async Task Patch_DemoteToPrivate_Is409AndChangesNothing()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace", title = "kept" });

        var refused = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { visibility = "private", title = "lost" })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");

        Assert.Equal("A shared session cannot be made private again (SES-VIS-008).", refused["detail"]!.GetValue<string>());

        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("kept", read["title"]!.GetValue<string>());
        Assert.Equal("workspace", read["visibility"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_IfMatchCurrentETag_Succeeds_AndStaleETag_Is412()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var created = await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m" });
        var etag = created.Headers.ETag!.Tag;
        var path = created.Headers.Location!.OriginalString;

        var first = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "one" }, new Dictionary<string, string> { ["If-Match"] = etag });
        await first.ExpectAsync(HttpStatusCode.OK);
        var stale = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "two" }, new Dictionary<string, string> { ["If-Match"] = etag });
        await stale.ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        var any = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "three" }, new Dictionary<string, string> { ["If-Match"] = "*" });
        await any.ExpectAsync(HttpStatusCode.OK);
        // A proxy that compresses answers weakens the ETag (W/"3"): the version is the same, so it matches, and a stale one does not.
        var weak = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "four" }, new Dictionary<string, string> { ["If-Match"] = "W/" + any.Headers.ETag!.Tag });
        await weak.ExpectAsync(HttpStatusCode.OK);
        var weakStale = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "four again" }, new Dictionary<string, string> { ["If-Match"] = "W/" + any.Headers.ETag!.Tag });
        await weakStale.ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");

        // Strong comparison is of the tag's text: the current version with a leading zero is another tag.
        var padded = "\"0" + weak.Headers.ETag!.Tag.Trim('"') + "\"";
        var zero = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "five" }, new Dictionary<string, string> { ["If-Match"] = padded });
        await zero.ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");

        // The current version without its quotes is no ETag at all: the answer says what to send, not that the session changed.
        var unquoted = await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "six" }, new Dictionary<string, string> { ["If-Match"] = any.Headers.ETag!.Tag.Trim('"') });
        var refused = await unquoted.ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Contains("in quotes", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("changed since", (await stale.ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed"))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var read = await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("four", read["title"]!.GetValue<string>());
    }

    /// <summary>
    /// Sent through the test server's context, since an HTTP client may drop a header without a
    /// value: a stale tag sent the same way answers 412, so the header reaches the service.
    /// </summary>
    [Fact]
    public async Task Patch_EmptyIfMatch_IsNoCondition()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        var first = (await Client.GetAsync(path, owner.Token())).Headers.ETag!.Tag;
        await (await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { title = "moved on" })).ExpectAsync(HttpStatusCode.OK);

        var stale = await PatchWithIfMatchAsync(path, owner.Token(), first, """{"title":"stale"}""");
        var empty = await PatchWithIfMatchAsync(path, owner.Token(), "", """{"title":"unconditional"}""");

        Assert.Equal((StatusCodes.Status412PreconditionFailed, StatusCodes.Status200OK), (stale.Response.StatusCode, empty.Response.StatusCode));
        var read = await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("unconditional", read["title"]!.GetValue<string>());
    }

    private Task<HttpContext> PatchWithIfMatchAsync(string path, string token, string ifMatch, string body) =>
        Factory.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Patch;
            context.Request.Path = path;
            context.Request.Headers.Authorization = "Bearer " + token;
            context.Request.Headers.IfMatch = ifMatch;
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        });

    [Fact]
    public async Task Patch_FrozenSession_StillEditsTitleLabelsAndVisibility()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var updated = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { title = "evidence", visibility = "workspace", labels = new Dictionary<string, string[]> { ["case"] = ["1"] } })).ExpectAsync(HttpStatusCode.OK);
        var read = await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("evidence", updated["title"]!.GetValue<string>());
        Assert.Equal("""{"case":["1"]}""", updated["labels"]!.ToJsonString());
        Assert.Equal("workspace", updated["visibility"]!.GetValue<string>());
        Assert.Equal(owner.Id.ToString(), updated["shared_by"]!["id"]!.GetValue<string>());
        Assert.NotNull(updated["shared_at"]);
        Assert.NotNull(updated["frozen_at"]);
        Assert.Equal(updated.ToJsonString(), read.ToJsonString());
    }

    /// <summary>CONTRACT 5.1: of a frozen session only title, labels, pin, archive and visibility stay editable; its model, agent and message count are its record.</summary>
    [Fact]
    public async Task Patch_FrozenSession_KeepsItsModelAgentAndMessageCount()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", owner.Token());
        var before = await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token()).ExpectAsync(HttpStatusCode.OK);

        foreach (var change in new object[] { new { title = "evidence", model = "another-model" }, new { agent = "another-agent" }, new { message_count = 99 } })
        {
            await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), change)).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");
        }

        var afterRefusals = await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), afterRefusals.ToJsonString());

        var sameModel = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { title = "the record", model = before["model"]!.GetValue<string>() })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("the record", sameModel["title"]!.GetValue<string>());
        Assert.Equal(before["model"]!.ToJsonString(), sameModel["model"]!.ToJsonString());
        Assert.Equal(before["message_count"]!.ToJsonString(), sameModel["message_count"]!.ToJsonString());
    }

    /// <summary>CONTRACT 5.1: a frozen session's group is part of its record too.</summary>
    [Fact]
    public async Task Patch_FrozenSession_KeepsItsGroup()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token());

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { group_id = group })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");
        var read = await Client.GetAsync(workspace.SessionPath(session), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(read["group_id"]);
    }

    [Fact]
    public async Task ALabelKey_IsNamedInTheLocAsTheClientWroteIt()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var response = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), """{"labels": {"Team_Key": ["x"], "ok": [""]}}""");

        await response.ExpectValidationErrorAsync("body", "labels", "Team_Key");
    }

    [Fact]
    public async Task ALabelValue_IsNamedByItsKeyAndIndex()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var response = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), """{"labels": {"ok": ["a", ""]}}""");

        await response.ExpectValidationErrorAsync("body", "labels", "ok", 1);
    }

    [Theory]
    [InlineData("""{"model": ""}""", "model", "string_too_short")]
    [InlineData("""{"title": "TOO_LONG"}""", "title", "string_too_long")]
    [InlineData("""{"agent": "TOO_LONG"}""", "agent", "string_too_long")]
    [InlineData("""{"message_count": -3}""", "message_count", "greater_than_equal")]
    [InlineData("""{"visibility": "public"}""", "visibility", "enum")]
    [InlineData("""{"labels": {"UPPER": ["x"]}}""", "labels", "string_pattern_mismatch")]
    public async Task Patch_FieldRuleViolation_Is422WithLoc(string json, string field, string type)
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        var response = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), json.Replace("TOO_LONG", new string('x', 256), StringComparison.Ordinal));
        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");

        var error = envelope["errors"]!.AsArray().Single();
        Assert.Equal("body", error!["loc"]![0]!.GetValue<string>());
        Assert.Equal(field, error["loc"]![1]!.GetValue<string>());
        Assert.Equal(type, error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_TooManyLabelKeysOrValues_Is422()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var keys = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", _ => new[] { "v" });
        var values = new Dictionary<string, string[]> { ["k"] = [.. Enumerable.Range(0, 21).Select(i => $"v{i}")] };

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { labels = keys })).ExpectValidationErrorAsync("body", "labels");
        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), owner.Token(), new { labels = values })).ExpectValidationErrorAsync("body", "labels", "k");
    }

    [Fact]
    public async Task Patch_SharedSessionOfAnotherMember_Is403_AndAdminMayChangeIt()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var member = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), member.Token(), new { title = "x" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        var byAdmin = await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session.Id()), admin.Token(), new { title = "by admin" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("by admin", byAdmin["title"]!.GetValue<string>());
    }

    /// <summary>
    /// RFC 9110 §13.1.1: a server that receives If-Match evaluates it. Every route that changes one
    /// session reads it as PATCH does: a version the session no longer has is 412, and nothing is
    /// done; the ETag read last lets the change through.
    /// </summary>
    [Fact]
    public async Task EveryChangeOfOneSession_ReadsIfMatch()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        var read = await Client.GetAsync(path, owner.Token());
        var etag = read.Headers.ETag!.Tag;
        await Client.PostAsync(path + "/pin", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Dictionary<string, string> Stale() => new() { ["If-Match"] = etag };

        foreach (var (method, route, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Delete, "", null), (HttpMethod.Post, "/archive", null), (HttpMethod.Post, "/unarchive", null), (HttpMethod.Post, "/pin", null),
            (HttpMethod.Post, "/unpin", null), (HttpMethod.Post, "/freeze", null),
            (HttpMethod.Post, "/transcript", new { messages = new[] { new { role = "user", content = "q" } } }),
            (HttpMethod.Post, "/transcript/compact", new { summary = new { role = "system", content = "s" }, up_to_seq = 1 }),
            (HttpMethod.Post, "/rewind", new { from_seq = 1 }),
            (HttpMethod.Post, "/items", new { item_type = "finding", data = new { a = 1 } }),
        })
        {
            await (await Client.SendAsync(method, path + route, owner.Token(), body, Stale())).ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        }

        var now = (await Client.GetAsync(path, owner.Token())).Headers.ETag!.Tag;
        var unchanged = await Client.GetAsync(path, owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, unchanged["usage"]!["total_message_count"]!.GetValue<int>());
        Assert.Null(unchanged["archived_at"]);
        Assert.Null(unchanged["frozen_at"]);
        Assert.Empty(JsonNode.Parse(await (await Client.GetAsync(path + "/items", owner.Token())).Content.ReadAsStringAsync())!.AsArray());
        await (await Client.SendAsync(HttpMethod.Post, path + "/archive", owner.Token(), null, new Dictionary<string, string> { ["If-Match"] = now })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, path, owner.Token(), null, new Dictionary<string, string> { ["If-Match"] = "*" })).StatusCode);
    }

    /// <summary>
    /// CONTRACT 5.9 with 5.1's rule for events (stored with the change, never for one that did not
    /// happen): a change refused for its stale If-Match leaves no event in the session's trail,
    /// a freeze's included.
    /// </summary>
    [Fact]
    public async Task AChangeRefusedForItsIfMatch_LeavesNoEvent()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        var etag = (await Client.GetAsync(path, owner.Token())).Headers.ETag!.Tag;
        await Client.PostAsync(path + "/pin", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var stale = new Dictionary<string, string> { ["If-Match"] = etag };

        await (await Client.SendAsync(HttpMethod.Post, path + "/freeze", owner.Token(), null, stale)).ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        await (await Client.SendAsync(HttpMethod.Post, path + "/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "q" } } }, stale))
            .ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        await (await Client.SendAsync(HttpMethod.Delete, path, owner.Token(), null, stale)).ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");

        var trail = await Client.GetAsync(path + "/events", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["SessionCreated", "SessionPinned"], trail["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
    }
}
