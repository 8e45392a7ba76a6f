using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Free-form JSON (item data and disposition, group metadata, message metadata) nests at most 32
/// levels (docs/api.md, limits). Every answer carrying such a value nests it deeper than the
/// request did: what is taken is written back on every read (CONTRACT 7: bad input never makes a
/// 500, now or later), and what nests deeper is refused at its field with what to fix.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class FreeFormDepthTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private const int Deepest = 32;

    [Fact]
    public async Task AnItemsDataAtTheDeepest_IsWrittenBackByEveryRead()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var items = workspace.SessionPath(session) + "/items";

        await Client.PostAsync(items, owner.Token(), new { item_type = "finding", data = new { a = Nested(Deepest) }, disposition = new { a = Nested(Deepest) } }).ExpectAsync(HttpStatusCode.Created);

        var listed = await Client.GetAsync(items, owner.Token());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var item = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!.AsArray().Single()!;
        Assert.Equal(Nested(Deepest).ToJsonString(), item["data"]!["a"]!.ToJsonString());
        Assert.Equal(Nested(Deepest).ToJsonString(), item["disposition"]!["a"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(workspace.SessionPath(session) + "/trajectory", owner.Token())).StatusCode);
    }

    [Fact]
    public async Task AGroupsMetadataAtTheDeepest_IsWrittenBackByEveryListing()
    {
        var (workspace, member) = await AWorkspaceWithAMemberAsync();
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", member.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), metadata = new { a = Nested(Deepest) } })
            .ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Client.CreateSessionAsync(workspace, member, extra: new { group_id = group, visibility = "workspace" });
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        foreach (var path in new[] { $"{workspace.SessionsPath}/groups/{group}", $"{workspace.SessionsPath}/groups", $"{workspace.SessionsPath}/grouped" })
        {
            var answer = await Client.GetAsync(path, admin.Token()).ExpectAsync(HttpStatusCode.OK);
            Assert.Contains(Nested(Deepest).ToJsonString(), answer.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AValueNestingDeeper_IsRefusedAtItsField_SayingHowDeepItMayGo()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var tooDeep = new { a = Nested(Deepest + 1) };

        var item = await Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), new { item_type = "finding", data = tooDeep })
            .ExpectValidationErrorAsync("body", "data", "a");
        await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), metadata = tooDeep })
            .ExpectValidationErrorAsync("body", "metadata", "a");
        await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "q", metadata = tooDeep } } })
            .ExpectValidationErrorAsync("body", "messages", 0, "metadata", "a");

        Assert.Equal($"must nest at most {Deepest} levels of objects and arrays", item["msg"]!.GetValue<string>());
    }

    /// <summary>Well-formed JSON nesting past the 64 levels read at all is 400 saying so, not "not valid JSON"; a syntax error still says that.</summary>
    [Fact]
    public async Task ABodyNestingPastWhatIsRead_Is400SayingHowDeep()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var tooDeep = "{\"messages\": [{\"role\": \"user\", \"content\": \"q\", \"metadata\": " + new string('[', 70) + new string(']', 70) + "}]}";
        var deep = await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), tooDeep)
            .ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
        var broken = await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), "{\"messages\": [")
            .ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");

        Assert.StartsWith("The body nests objects and arrays deeper than 64 levels", deep["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("The body is not valid JSON", broken["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>An object holding an object ..., <paramref name="levels"/> objects deep.</summary>
    private static JsonObject Nested(int levels)
    {
        var value = new JsonObject { ["leaf"] = 1 };
        for (var level = 1; level < levels; level++)
        {
            value = new JsonObject { ["a"] = value };
        }

        return value;
    }
}
