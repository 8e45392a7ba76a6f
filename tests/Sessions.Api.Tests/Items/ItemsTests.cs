using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Items;

[Collection(SharedApiCollection.Name)]
public sealed class ItemsTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task Record_Answers201WithEveryField_AndListShowsItNewestFirst()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var project = Guid.NewGuid();

        var first = await Post(workspace, owner, session, new
        {
            item_type = "finding",
            data = new { severity = "high", lines = new[] { 3, 4 } },
            title = "SQL injection",
            @ref = "src/db.cs:12",
            schema_ref = "https://schemas.example.com/finding/1",
            source = "runtime",
            capability = "scanner",
            capability_version = "2.1",
            project_id = project,
            span_id = "span-1",
            trace_id = "trace-1",
            disposition = new { verdict = "confirmed" },
        }).ExpectAsync(HttpStatusCode.Created);
        var second = await Post(workspace, owner, session, new { item_type = "score", data = new { value = 0.9 } }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(["id", "session_id", "organization_id", "item_type", "data", "title", "dedupe_key", "ref", "schema_ref", "source", "capability", "capability_version", "project_id", "span_id", "trace_id", "disposition", "created_at", "created_by"],
            first.Select(p => p.Key));
        Assert.Equal(session.ToString(), first["session_id"]!.GetValue<string>());
        Assert.Equal(workspace.OrganizationId.ToString(), first["organization_id"]!.GetValue<string>());
        Assert.Equal(owner.Id.ToString(), first["created_by"]!.GetValue<string>());
        Assert.Equal("""{"severity":"high","lines":[3,4]}""", first["data"]!.ToJsonString());
        Assert.Equal("""{"verdict":"confirmed"}""", first["disposition"]!.ToJsonString());
        Assert.Equal("runtime", first["source"]!.GetValue<string>());
        Assert.Equal(
            ["SQL injection", "src/db.cs:12", "https://schemas.example.com/finding/1", "scanner", "2.1", project.ToString(), "span-1", "trace-1"],
            new[] { "title", "ref", "schema_ref", "capability", "capability_version", "project_id", "span_id", "trace_id" }.Select(field => first[field]!.GetValue<string>()));
        Assert.Equal("api", second["source"]!.GetValue<string>());
        Assert.Null(second["disposition"]);
        Assert.Null(second["dedupe_key"]);
        var listed = await ListAsync(workspace, owner, session, "");
        Assert.Equal([second["id"]!.GetValue<string>(), first["id"]!.GetValue<string>()], listed);
        var read = System.Text.Json.Nodes.JsonNode.Parse(await (await Client.GetAsync($"{workspace.SessionPath(session)}/items", owner.Token())).Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(first.ToJsonString(), read[1]!.ToJsonString());
        Assert.Equal([second["id"]!.GetValue<string>()], await ListAsync(workspace, owner, session, "?limit=1"));
    }

    [Fact]
    public async Task List_WithoutALimit_AnswersTheNewest100()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var recorded = new List<string>();
        for (var i = 0; i < 101; i++)
        {
            recorded.Add((await Post(workspace, owner, session, new { item_type = "score", data = new { value = i } }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>());
        }

        var listed = await ListAsync(workspace, owner, session, "");

        Assert.Equal(Enumerable.Reverse(recorded).Take(100), listed);
    }

    /// <summary>A listing reads its items a page at a time, each page after the last item listed: items of one instant are told apart by id, across pages too.</summary>
    [Fact]
    public async Task ItemsOfOneInstant_AreListedOnceEach_InOneOrder_AcrossPages()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var recorded = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            recorded.Add((await Post(workspace, owner, session, new { item_type = "score", data = new { value = i } }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>());
        }

        var instant = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        await Factory.WithDbAsync(db => db.Items.Where(i => i.SessionId == session).ExecuteUpdateAsync(set => set.SetProperty(i => i.CreatedAt, instant)));

        var all = await ListAsync(workspace, owner, session, "?limit=25");
        var first12 = await ListAsync(workspace, owner, session, "?limit=12");

        Assert.Equal(recorded.Order(), all.Order());
        Assert.Equal(all[..12], first12);
    }

    [Fact]
    public async Task SameDedupeKey_Answers200WithTheStoredItem_AndStoresNothing_EvenConcurrently()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var stored = await Post(workspace, owner, session, new { item_type = "file", data = new { path = "a" }, dedupe_key = "k1" }).ExpectAsync(HttpStatusCode.Created);
        var again = await Post(workspace, owner, session, new { item_type = "file", data = new { path = "b" }, dedupe_key = "k1" }).ExpectAsync(HttpStatusCode.OK);
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post(workspace, owner, session, new { item_type = "file", data = new { path = "c" }, dedupe_key = "k2" })));
        await Post(workspace, owner, (await Client.CreateSessionAsync(workspace, owner)).Id(), new { item_type = "file", data = new { }, dedupe_key = "k1" }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(stored.ToJsonString(), again.ToJsonString());
        Assert.Equal(1, racing.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(racing, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK));
        var answered = await Task.WhenAll(racing.Select(async r => (await r.JsonAsync()).ToJsonString()));
        Assert.Single(answered.Distinct());
        Assert.Equal(2, (await ListAsync(workspace, owner, session, "")).Count);
    }

    /// <summary>
    /// Recording an item moves the session's version (its ETag) and none of its fields: a change
    /// stamped before the item and saved after it then fails its version check and runs again with
    /// a later time (ADR 0031), so no item is dated after its session's freeze and the trail keeps
    /// the order of the commits. A retried item moves nothing.
    /// </summary>
    [Fact]
    public async Task Recording_MovesTheSessionsETag_ButNoneOfItsFields_AndARetryMovesNothing()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var before = await Client.GetAsync(workspace.SessionPath(session), owner.Token());
        var beforeRead = await before.ExpectAsync(HttpStatusCode.OK);

        await Post(workspace, owner, session, new { item_type = "file", data = new { }, dedupe_key = "k" }).ExpectAsync(HttpStatusCode.Created);
        var after = await Client.GetAsync(workspace.SessionPath(session), owner.Token());
        var afterRead = await after.ExpectAsync(HttpStatusCode.OK);
        await Post(workspace, owner, session, new { item_type = "file", data = new { }, dedupe_key = "k" }).ExpectAsync(HttpStatusCode.OK);
        var retried = await Client.GetAsync(workspace.SessionPath(session), owner.Token());

        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(beforeRead.ToJsonString(), afterRead.ToJsonString());
        Assert.Equal(after.Headers.ETag, retried.Headers.ETag);
        await (await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { title = "stale" }, new Dictionary<string, string> { ["If-Match"] = before.Headers.ETag!.ToString() }))
            .ExpectEnvelopeAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
    }

    [Fact]
    public async Task FrozenSession_TakesNoItems_ButStillListsThem()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Post(workspace, owner, session, new { item_type = "file", data = new { }, dedupe_key = "before" }).ExpectAsync(HttpStatusCode.Created);
        await (await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        await Post(workspace, owner, session, new { item_type = "file", data = new { } }).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");

        Assert.Single(await ListAsync(workspace, owner, session, ""));
    }

    [Fact]
    public async Task DeletingTheSession_DeletesItsItems()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Post(workspace, owner, session, new { item_type = "file", data = new { } }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session), owner.Token())).StatusCode);

        Assert.Equal(0, await Factory.WithDbAsync(db => db.Items.CountAsync(i => i.SessionId == session)));
    }

    [Theory]
    [InlineData("""{"data": {}}""", new object[] { "body", "item_type" }, "missing")]
    [InlineData("""{"item_type": "", "data": {}}""", new object[] { "body", "item_type" }, "string_too_short")]
    [InlineData("""{"item_type": "x"}""", new object[] { "body", "data" }, "missing")]
    [InlineData("""{"item_type": "x", "data": [1]}""", new object[] { "body", "data" }, "dict_type")]
    [InlineData("""{"item_type": "x", "data": {}, "source": "manual"}""", new object[] { "body", "source" }, "enum")]
    [InlineData("""{"item_type": "x", "data": {}, "disposition": "ok"}""", new object[] { "body", "disposition" }, "dict_type")]
    [InlineData("""{"item_type": "x", "data": {}, "project_id": "p"}""", new object[] { "body", "project_id" }, "uuid_parsing")]
    [InlineData("""{"item_type": "x", "data": {}, "dedupe_key": ""}""", new object[] { "body", "dedupe_key" }, "string_too_short")]
    [InlineData("""{"item_type": "x", "data": {}, "dedupe_key": "run-1 "}""", new object[] { "body", "dedupe_key" }, "string_pattern_mismatch")]
    public async Task BadItem_Is422AtItsField(string json, object[] loc, string type)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var error = await (await Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), json)).ExpectValidationErrorAsync(loc);

        Assert.Equal(type, error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task OversizedFields_And_BadLimits_Are422()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        await Post(workspace, owner, session, new { item_type = new string('t', 65), data = new { } }).ExpectValidationErrorAsync("body", "item_type");
        await Post(workspace, owner, session, new { item_type = "x", data = new { blob = new string('d', 1024 * 1024) } }).ExpectValidationErrorAsync("body", "data");
        await Post(workspace, owner, session, new { item_type = "x", data = new { }, schema_ref = new string('s', 1025) }).ExpectValidationErrorAsync("body", "schema_ref");
        foreach (var limit in new[] { "0", "501", "x" })
        {
            await (await Client.GetAsync($"{workspace.SessionPath(session)}/items?limit={limit}", owner.Token())).ExpectValidationErrorAsync("query", "limit");
        }
    }

    private Task<HttpResponseMessage> Post(TestWorkspace workspace, TestUser user, Guid session, object body) =>
        Client.PostAsync(workspace.SessionPath(session) + "/items", user.Token(), body);

    private async Task<List<string>> ListAsync(TestWorkspace workspace, TestUser user, Guid session, string query)
    {
        var response = await Client.GetAsync($"{workspace.SessionPath(session)}/items{query}", user.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return [.. items.Select(i => i!["id"]!.GetValue<string>())];
    }
}
