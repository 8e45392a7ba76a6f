using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

[Collection(SharedApiCollection.Name)]
public sealed class CreateSessionTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>The version is accepted as <c>v1.0</c> or <c>V1</c> too; the <c>Location</c> a create answers spells it <c>v1</c>, as every documented address does.</summary>
    [Theory]
    [InlineData("v1.0")]
    [InlineData("V1")]
    public async Task Create_UnderAnotherSpellingOfTheVersion_AnswersTheCanonicalLocation(string version)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = Guid.NewGuid();

        var response = await Client.PostAsync(workspace.SessionsPath.Replace("/api/v1/", $"/api/{version}/", StringComparison.Ordinal), owner.Token(), new { id, model = "m" });
        await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal($"{workspace.SessionsPath}/{id}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Create_WithAllFields_Answers201WithLocationETagAndEveryDocumentedField()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = Guid.NewGuid();
        var project = Guid.NewGuid();
        var runtime = Guid.NewGuid();
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "worker_run", project_id = project }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var body = new
        {
            id,
            model = "claude-3",
            title = "Investigate",
            agent = "coder",
            labels = new Dictionary<string, string[]> { ["team"] = ["red", "red", "blue"], ["env:stage"] = ["prod"] },
            message_count = 3,
            origin = "worker",
            visibility = "workspace",
            project_id = project,
            runtime_id = runtime,
            group_id = group,
        };

        var response = await Client.PostAsync(workspace.SessionsPath, owner.Token(), body);
        var session = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal($"{workspace.SessionsPath}/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        string[] documented =
        [
            "agent", "archived_at", "created_at", "created_by", "frozen_at", "frozen_by", "group_id", "id", "labels",
            "last_message_at", "message_count", "model", "origin", "pinned_at", "preview_text", "project_id", "runtime_id",
            "shared_at", "shared_by", "title", "updated_at", "usage", "user_id", "visibility",
        ];
        Assert.Equal(documented, session.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("worker", session["origin"]!.GetValue<string>());
        Assert.Equal("workspace", session["visibility"]!.GetValue<string>());
        Assert.Equal("""{"team":["red","blue"],"env:stage":["prod"]}""", session["labels"]!.ToJsonString());
        Assert.Equal(owner.Id.ToString(), session["user_id"]!.GetValue<string>());
        Assert.Equal(owner.Email, session["created_by"]!["email"]!.GetValue<string>());
        Assert.Equal(owner.Id.ToString(), session["shared_by"]!["id"]!.GetValue<string>());
        Assert.Equal(session["created_at"]!.ToJsonString(), session["shared_at"]!.ToJsonString());
        Assert.Equal(project.ToString(), session["project_id"]!.GetValue<string>());
        Assert.Equal(
            [id.ToString(), "claude-3", "Investigate", "coder", runtime.ToString(), group],
            new[] { "id", "model", "title", "agent", "runtime_id", "group_id" }.Select(field => session[field]!.GetValue<string>()));
        Assert.Equal(3, session["message_count"]!.GetValue<int>());
        var read = await Client.GetAsync(workspace.SessionPath(id), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(session.ToJsonString(), read.ToJsonString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", session["created_at"]!.GetValue<string>());
        Assert.Equal(0, session["usage"]!["total_message_count"]!.GetValue<int>());
        Assert.Null(session["usage"]!["last_generation_input_tokens"]);
    }

    [Fact]
    public async Task Create_MinimalBody_DefaultsToPrivateUserOriginAndNulls()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var session = await Client.CreateSessionAsync(workspace, owner);

        Assert.Equal("private", session["visibility"]!.GetValue<string>());
        Assert.Equal("user", session["origin"]!.GetValue<string>());
        Assert.Equal(0, session["message_count"]!.GetValue<int>());
        Assert.Equal("{}", session["labels"]!.ToJsonString());
        foreach (var field in new[] { "title", "agent", "preview_text", "frozen_at", "frozen_by", "shared_by", "shared_at", "archived_at", "pinned_at" })
        {
            Assert.True(session.ContainsKey(field), field);
            Assert.Null(session[field]);
        }
    }

    [Fact]
    public async Task Create_ExistingId_Is409AlreadyExistsAndKeepsTheOriginal()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { title = "original" });

        var again = await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = session.Id(), model = "other", title = "copy" });
        await again.ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");

        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("original", read["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_SameIdConcurrently_OneCreatedTheRest409()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var body = new { id = Guid.NewGuid(), model = "m" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Factory.CreateClient().PostAsync(workspace.SessionsPath, owner.Token(), body)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            // Whether the read before the insert refused it or the unique key did, the type is the same.
            await refused.ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");
        }

        Assert.Equal(1, await Factory.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.AggregateId == body.id && o.Type == "SessionCreated")));
    }

    [Fact]
    public async Task Create_ByViewer_Is403()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);

        await (await Client.PostAsync(workspace.SessionsPath, viewer.Token(), new { id = Guid.NewGuid(), model = "m" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task Create_WithReadScopeOnly_Is403()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        await (await Client.PostAsync(workspace.SessionsPath, owner.Token(Scopes.SessionsRead), new { id = Guid.NewGuid(), model = "m" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task Create_FieldRuleViolations_Are422WithLocForEach()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var body = new
        {
            model = "",
            title = new string('t', 256),
            agent = new string('a', 256),
            message_count = -1,
            labels = new Dictionary<string, string[]> { ["Bad Key"] = ["x"], ["empty"] = [], ["long"] = [new string('v', 257)] },
        };

        var response = await Client.PostAsync(workspace.SessionsPath, owner.Token(), body);

        var missing = await response.ExpectValidationErrorAsync("body", "id");
        Assert.Equal("missing", missing["type"]!.GetValue<string>());
        response = await Client.PostAsync(workspace.SessionsPath, owner.Token(), body);
        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");
        var locs = envelope["errors"]!.AsArray().Select(e => e!["loc"]!.ToJsonString()).ToHashSet();
        Assert.Contains("""["body","model"]""", locs);
        Assert.Contains("""["body","title"]""", locs);
        Assert.Contains("""["body","agent"]""", locs);
        Assert.Contains("""["body","message_count"]""", locs);
        Assert.Contains("""["body","labels","Bad Key"]""", locs);
        Assert.Contains("""["body","labels","empty"]""", locs);
        Assert.Contains("""["body","labels","long",0]""", locs);
    }

    [Theory]
    [InlineData("""{"id": "not-a-uuid", "model": "m"}""", "id", "uuid_parsing")]
    [InlineData("""{"id": "7d7c1c57-6d1b-4a7e-9d57-3c0f5f3c1a11", "model": 5}""", "model", "string_type")]
    [InlineData("""{"id": "7d7c1c57-6d1b-4a7e-9d57-3c0f5f3c1a11", "model": "m", "origin": "robot"}""", "origin", "enum")]
    [InlineData("""{"id": "7d7c1c57-6d1b-4a7e-9d57-3c0f5f3c1a11", "model": "m", "labels": ["a"]}""", "labels", "dict_type")]
    [InlineData("""{"id": "7d7c1c57-6d1b-4a7e-9d57-3c0f5f3c1a11", "model": "m", "labels": {"a": "b"}}""", "labels", "list_type")]
    [InlineData("""{"id": "7d7c1c57-6d1b-4a7e-9d57-3c0f5f3c1a11", "model": "m", "message_count": "many"}""", "message_count", "int_parsing")]
    public async Task Create_WellFormedJsonOfTheWrongType_Is422AtItsJsonPath(string json, string field, string type)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var error = await (await Client.PostAsync(workspace.SessionsPath, owner.Token(), json)).ExpectValidationErrorAsync(field == "labels" && type == "list_type" ? ["body", "labels", "a"] : ["body", field]);

        Assert.Equal(type, error["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"id\": ")]
    [InlineData("{'id': 1}")]
    [InlineData("not json")]
    public async Task Create_MalformedJson_Is400MalformedJson(string json)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        await (await Client.PostAsync(workspace.SessionsPath, owner.Token(), json)).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Create_EmptyBody_Is422AtBody()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, workspace.SessionsPath) { Content = new StringContent(string.Empty, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", owner.Token());

        await (await Client.SendAsync(request)).ExpectValidationErrorAsync("body");
    }
}
