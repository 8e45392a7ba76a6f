using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Sessions;

/// <summary>
/// For every session, item, export and group route, callers who must not see or change a session get exactly the answer
/// CONTRACT §3 prescribes (404 for what they cannot see, 403 for what they see but may not change),
/// and nothing in the database changes.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    public enum CallerKind
    {
        OtherWorkspaceSameOrg,
        OtherOrganization,
        Viewer,
        NonOwnerMember,
    }

    [Theory]
    [InlineData(CallerKind.OtherWorkspaceSameOrg)]
    [InlineData(CallerKind.OtherOrganization)]
    [InlineData(CallerKind.Viewer)]
    [InlineData(CallerKind.NonOwnerMember)]
    public async Task EveryRoute_AnswersWhatTheContractPrescribes_AndChangesNothing(CallerKind kind)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace", labels = new Dictionary<string, string[]> { ["t"] = ["shared"] } })).Id();
        var hidden = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["t"] = ["private"] } })).Id();
        foreach (var id in new[] { shared, hidden })
        {
            await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "a secret question" }, new { role = "assistant", content = "a secret answer" });
        }

        var sharedGroup = await CreateGroupAsync(workspace, owner);
        var hiddenGroup = await CreateGroupAsync(workspace, owner);
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(shared), owner.Token(), new { group_id = sharedGroup }).ExpectAsync(HttpStatusCode.OK);
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(hidden), owner.Token(), new { group_id = hiddenGroup }).ExpectAsync(HttpStatusCode.OK);
        foreach (var id in new[] { shared, hidden })
        {
            await Client.PostAsync($"{workspace.SessionPath(id)}/items", owner.Token(), new { item_type = "finding", data = new { secret = true } }).ExpectAsync(HttpStatusCode.Created);
        }

        var caller = await CallerAsync(kind, workspace);
        var outsider = kind is CallerKind.OtherWorkspaceSameOrg or CallerKind.OtherOrganization;
        var before = await SnapshotAsync(workspace, owner, shared, hidden);

        var expectations = new List<(string Route, HttpMethod Method, string Path, object? Body, HttpStatusCode Expected)>();
        foreach (var (id, visible) in new[] { (shared, true), (hidden, false) })
        {
            var seen = !outsider && visible;
            var change = seen ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;
            var path = workspace.SessionPath(id);
            var prefix = workspace.SessionPath(id.ToString()[..8]);
            expectations.Add(("get", HttpMethod.Get, path, null, seen ? HttpStatusCode.OK : HttpStatusCode.NotFound));
            expectations.Add(("get by prefix", HttpMethod.Get, prefix, null, seen ? HttpStatusCode.OK : HttpStatusCode.NotFound));
            expectations.Add(("patch", HttpMethod.Patch, path, new { title = "hijacked" }, change));
            expectations.Add(("delete", HttpMethod.Delete, prefix, null, change));
            foreach (var action in new[] { "freeze", "archive", "unarchive", "pin", "unpin" })
            {
                expectations.Add((action, HttpMethod.Post, $"{path}/{action}", null, change));
            }

            var read = seen ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            expectations.Add(("transcript", HttpMethod.Get, $"{path}/transcript", null, read));
            expectations.Add(("search", HttpMethod.Get, $"{path}/messages/search?q=secret", null, read));
            expectations.Add(("append", HttpMethod.Post, $"{path}/transcript", new { messages = new[] { new { role = "user", content = "injected" } } }, change));
            expectations.Add(("compact", HttpMethod.Post, $"{path}/transcript/compact", new { summary = new { role = "system", content = "x" }, up_to_seq = 1 }, change));
            expectations.Add(("rewind", HttpMethod.Post, $"{path}/rewind", new { from_seq = 1 }, change));
            expectations.Add(("items", HttpMethod.Get, $"{path}/items", null, read));
            expectations.Add(("events", HttpMethod.Get, $"{path}/events", null, read));
            expectations.Add(("record item", HttpMethod.Post, $"{path}/items", new { item_type = "finding", data = new { } }, change));
            foreach (var format in new[] { "atif", "openai", "native" })
            {
                expectations.Add(($"trajectory {format}", HttpMethod.Get, $"{path}/trajectory?format={format}", null, read));
            }

            var group = $"{workspace.SessionsPath}/groups/{(visible ? sharedGroup : hiddenGroup)}";
            expectations.Add(("get group", HttpMethod.Get, group, null, read));
            expectations.Add(("patch group", HttpMethod.Patch, group, new { title = "hijacked", status = "cancelled" }, change));
        }

        expectations.Add(("create group", HttpMethod.Post, $"{workspace.SessionsPath}/groups", new { kind = "workflow", project_id = Guid.NewGuid() },
            outsider ? HttpStatusCode.NotFound : kind == CallerKind.Viewer ? HttpStatusCode.Forbidden : HttpStatusCode.Created));

        expectations.Add(("create", HttpMethod.Post, workspace.SessionsPath, new { id = Guid.NewGuid(), model = "m" },
            outsider ? HttpStatusCode.NotFound : kind == CallerKind.Viewer ? HttpStatusCode.Forbidden : HttpStatusCode.Created));
        foreach (var bulk in new[] { "bulk-freeze", "bulk-share", "bulk-delete" })
        {
            expectations.Add((bulk, HttpMethod.Post, $"{workspace.SessionsPath}/{bulk}", new { session_ids = new[] { shared, hidden } }, outsider ? HttpStatusCode.NotFound : HttpStatusCode.OK));
        }

        var mismatches = new List<string>();
        foreach (var (route, method, path, body, expected) in expectations)
        {
            var response = await Client.SendAsync(method, path, caller.Token(), body);
            if (response.StatusCode != expected)
            {
                mismatches.Add($"{route} {path}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else if (IsBulk(route) && expected == HttpStatusCode.OK)
            {
                var outcome = await response.JsonAsync();
                Assert.Equal(2, outcome["failed"]!.AsArray().Count);
                Assert.Equal(403, outcome["failed"]![0]!["code"]!.GetValue<int>());
                Assert.Equal(404, outcome["failed"]![1]!["code"]!.GetValue<int>());
            }
            else if ((int)expected >= 400)
            {
                await response.ExpectEnvelopeAsync(expected, expected == HttpStatusCode.NotFound ? "not_found" : "permission_denied");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
        await AssertListAndFacetsAsync(workspace, caller, outsider, shared, hidden);
        if (!outsider)
        {
            await AssertGroupListsAsync(workspace, caller, shared, sharedGroup, hiddenGroup);
        }

        Assert.Equal(before, await SnapshotAsync(workspace, owner, shared, hidden));

        static bool IsBulk(string route) => route.StartsWith("bulk-", StringComparison.Ordinal);
    }

    private async Task AssertListAndFacetsAsync(TestWorkspace workspace, TestUser caller, bool outsider, Guid shared, Guid hidden)
    {
        var list = await Client.GetAsync($"{workspace.SessionsPath}?archived=any&include_workload_sessions=true", caller.Token());
        var facets = await Client.GetAsync($"{workspace.SessionsPath}/facets?archived=any", caller.Token());
        var usage = await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by=label:t&archived=any", caller.Token());
        if (outsider)
        {
            await list.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await facets.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await usage.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await (await Client.GetAsync($"{workspace.SessionsPath}/groups", caller.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            await (await Client.GetAsync($"{workspace.SessionsPath}/grouped", caller.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
            return;
        }

        // Usage counts the shared session's two messages and nothing of the hidden one.
        var spent = await usage.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, spent["totals"]!["message_count"]!.GetValue<int>());
        Assert.DoesNotContain(spent["buckets"]!.AsArray(), b => b!["key"]?.GetValue<string>() == "private");

        var page = await list.ExpectAsync(HttpStatusCode.OK);
        var ids = page["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>())).ToList();
        Assert.Contains(shared, ids);
        Assert.DoesNotContain(hidden, ids);
        Assert.Equal(ids.Count, page["total"]!.GetValue<int>());
        var counts = await facets.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""[{"value":"shared","count":1}]""", counts["labels"]!["t"]!.ToJsonString());
    }

    /// <summary>The group lists show the shared session's group with that session alone, and nothing of the hidden group.</summary>
    private async Task AssertGroupListsAsync(TestWorkspace workspace, TestUser caller, Guid shared, string sharedGroup, string hiddenGroup)
    {
        var groups = (await Client.GetAsync($"{workspace.SessionsPath}/groups?archived=any", caller.Token()).ExpectAsync(HttpStatusCode.OK))["groups"]!.AsArray();
        Assert.DoesNotContain(groups, g => g!["id"]!.GetValue<string>() == hiddenGroup);
        var listed = groups.Single(g => g!["id"]!.GetValue<string>() == sharedGroup)!;
        Assert.Equal(1, listed["session_count"]!.GetValue<int>());
        Assert.Equal(2, listed["usage"]!["total_message_count"]!.GetValue<int>());
        var buckets = (await Client.GetAsync($"{workspace.SessionsPath}/grouped", caller.Token()).ExpectAsync(HttpStatusCode.OK))["groups"]!.AsArray();
        Assert.DoesNotContain(buckets, b => b!["group"]?["id"]?.GetValue<string>() == hiddenGroup);
        var bucket = buckets.Single(b => b!["group"]?["id"]?.GetValue<string>() == sharedGroup)!;
        Assert.Equal(shared.ToString(), Assert.Single(bucket["sessions"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.DoesNotContain(buckets.SelectMany(b => b!["sessions"]!.AsArray()), s => s!["id"]!.GetValue<string>() != shared.ToString() && s["user_id"]!.GetValue<string>() != caller.Id.ToString());
    }

    private async Task<string> CreateGroupAsync(TestWorkspace workspace, TestUser owner) =>
        (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();

    private async Task<TestUser> CallerAsync(CallerKind kind, TestWorkspace workspace) => kind switch
    {
        CallerKind.OtherWorkspaceSameOrg => await (await TestWorkspace.CreateAsync(Factory, workspace.Org)).AddMemberAsync(WorkspaceRole.Admin),
        CallerKind.OtherOrganization => await (await TestWorkspace.CreateAsync(Factory)).AddMemberAsync(WorkspaceRole.Admin),
        CallerKind.Viewer => await workspace.AddMemberAsync(WorkspaceRole.Viewer),
        _ => await workspace.AddMemberAsync(),
    };

    /// <summary>Everything a change could touch: both sessions and their transcripts as their owner reads them, and their events.</summary>
    private async Task<string> SnapshotAsync(TestWorkspace workspace, TestUser owner, Guid shared, Guid hidden)
    {
        var parts = new List<string>();
        foreach (var id in new[] { shared, hidden })
        {
            parts.Add(await (await Client.GetAsync(workspace.SessionPath(id), owner.Token())).Content.ReadAsStringAsync());
            parts.Add(await (await Client.GetAsync($"{workspace.SessionPath(id)}/transcript?include_compacted=true", owner.Token())).Content.ReadAsStringAsync());
        }

        parts.Add((await Factory.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.AggregateId == shared || o.AggregateId == hidden))).ToString(System.Globalization.CultureInfo.InvariantCulture));
        parts.Add((await Factory.WithDbAsync(db => db.Items.CountAsync(i => i.SessionId == shared || i.SessionId == hidden))).ToString(System.Globalization.CultureInfo.InvariantCulture));
        parts.Add(await (await Client.GetAsync($"{workspace.SessionsPath}/groups?archived=any", owner.Token())).Content.ReadAsStringAsync());
        return string.Join('\n', parts);
    }
}
