using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The smaller limits of CONTRACT §5 at their edges, each answered 422 at the field that broke it:
/// lengths one past the limit, ids that are not UUIDs, flags that are not booleans, users that are
/// not ids. The value at the limit is accepted.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class LimitEdgeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task QueryLimits_OnePastTheEdge_Are422AtTheParameter()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);

        await Client.GetAsync($"{path}/messages/search?q={new string('q', 200)}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{path}/messages/search?q={new string('q', 201)}", owner.Token()).ExpectValidationErrorAsync("query", "q");
        await Client.GetAsync($"{path}/messages/search?q=", owner.Token()).ExpectValidationErrorAsync("query", "q");
        await Client.GetAsync($"{workspace.SessionsPath}?search={new string('s', 200)}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{workspace.SessionsPath}?search={new string('s', 201)}", owner.Token()).ExpectValidationErrorAsync("query", "search");
        await Client.GetAsync($"{path}/transcript?include_compacted=maybe", owner.Token()).ExpectValidationErrorAsync("query", "include_compacted");
        await Client.GetAsync($"{workspace.SessionsPath}?user=nope", owner.Token()).ExpectValidationErrorAsync("query", "user", 0);

        // user_id and user are different parameters (AND): each takes 50 owners (not 50 together) and is named in its own 422.
        string Owners(string parameter, int count) => string.Join('&', Enumerable.Range(0, count).Select(_ => $"{parameter}={Guid.NewGuid()}"));
        await Client.GetAsync($"{workspace.SessionsPath}?{Owners("user_id", 30)}&{Owners("user", 30)}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{workspace.SessionsPath}?{Owners("user_id", 51)}", owner.Token()).ExpectValidationErrorAsync("query", "user_id");
        await Client.GetAsync($"{workspace.SessionsPath}?{Owners("user", 51)}", owner.Token()).ExpectValidationErrorAsync("query", "user");
    }

    [Theory]
    [InlineData("Team:red")]
    [InlineData("a b:c")]
    [InlineData("K:v")]
    public async Task ALabelFilterWhoseKeyIsNoLabelKey_Is422AtTheFilter_OnEveryRouteThatFilters(string label)
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        foreach (var route in new[] { "", "/facets", "/grouped", "/groups", "/usage?group_by=model" })
        {
            var separator = route.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var error = await Client.GetAsync($"{workspace.SessionsPath}{route}{separator}label=model:x&label={label}", owner.Token()).ExpectValidationErrorAsync("query", "label", 1);
            Assert.Contains("key of 1 to 64 characters", error["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var longKey = new string('k', 65) + ":v";
        await Client.GetAsync($"{workspace.SessionsPath}?label={longKey}", owner.Token()).ExpectValidationErrorAsync("query", "label", 0);
    }

    [Fact]
    public async Task BodyLimits_OnePastTheEdge_Are422AtTheField()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        var groups = $"{workspace.SessionsPath}/groups";

        await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { labels = new Dictionary<string, string[]> { [new string('k', 64)] = ["v"] } }).ExpectAsync(HttpStatusCode.OK);
        await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { labels = new Dictionary<string, string[]> { [new string('k', 65)] = ["v"] } }).ExpectValidationErrorAsync("body", "labels", new string('k', 65));
        await Client.SendAsync(HttpMethod.Patch, path, owner.Token(), new { labels = new Dictionary<string, string[]> { [""] = ["v"] } }).ExpectValidationErrorAsync("body", "labels", "");
        await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m", runtime_id = "not-a-uuid" }).ExpectValidationErrorAsync("body", "runtime_id");
        await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m", project_id = "not-a-uuid" }).ExpectValidationErrorAsync("body", "project_id");
        await Client.PostAsync($"{path}/items", owner.Token(), new { item_type = "finding", data = new { }, title = new string('t', 255) }).ExpectAsync(HttpStatusCode.Created);
        await Client.PostAsync($"{path}/items", owner.Token(), new { item_type = "finding", data = new { }, title = new string('t', 256) }).ExpectValidationErrorAsync("body", "title");
        await Client.PostAsync($"{path}/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "c", parent_id = "not-a-uuid" } } }).ExpectValidationErrorAsync("body", "messages", 0, "parent_id");
        await Client.PostAsync(groups, owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), capability = new string('c', 255) }).ExpectAsync(HttpStatusCode.Created);
        await Client.PostAsync(groups, owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), capability = new string('c', 256) }).ExpectValidationErrorAsync("body", "capability");
        await Client.PostAsync(groups, owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), capability_version = new string('c', 256) }).ExpectValidationErrorAsync("body", "capability_version");
        await Client.PostAsync(groups, owner.Token(), new { kind = "evaluation_item", project_id = Guid.NewGuid(), evaluation_item_id = "not-a-uuid" }).ExpectValidationErrorAsync("body", "evaluation_item_id");
    }
}
