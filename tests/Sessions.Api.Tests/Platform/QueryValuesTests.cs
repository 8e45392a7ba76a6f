using System.Net;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Values of a query are read as sent: text verbatim, white space included (a search for two
/// spaces, a filter naming a value the facets offer), integers as JSON writes them (decimal digits
/// only), and an integer out of its type's range is told the range.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class QueryValuesTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>CONTRACT 5.3: <c>q</c> of 1..200 characters, matched as sent (ADR 0041), spaces included.</summary>
    [Fact]
    public async Task AMessageSearchForWhiteSpaceAlone_FindsTheMessagesHoldingIt()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "a b" }, new { role = "assistant", content = "if x:\n  return" }, new { role = "user", content = "a\tb" });

        var spaces = await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q=%20%20", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var tab = await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q=%09", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var empty = await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q=", owner.Token()).ExpectValidationErrorAsync("query", "q");

        Assert.Equal([2L], spaces["matches"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal([3L], tab["matches"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal("must not be empty", empty["msg"]!.GetValue<string>());
    }

    /// <summary>CONTRACT 5.4: a value the facets offer is a filter that finds its sessions, a model or agent of spaces too.</summary>
    [Fact]
    public async Task AModelOrAgentOfSpaces_OfferedByTheFacets_IsAFilterThatFindsIt()
    {
        var (workspace, member) = await AWorkspaceWithAMemberAsync();
        await Client.CreateSessionAsync(workspace, member, extra: new { model = "   ", agent = "  " });
        await Client.CreateSessionAsync(workspace, member, extra: new { model = "m", agent = "a" });

        var facets = await Client.GetAsync($"{workspace.SessionsPath}/facets", member.Token()).ExpectAsync(HttpStatusCode.OK);
        var byAgent = await Client.GetAsync($"{workspace.SessionsPath}?agent=%20%20", member.Token()).ExpectAsync(HttpStatusCode.OK);
        var byModel = await Client.GetAsync($"{workspace.SessionsPath}?model=%20%20%20", member.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains(facets["agents"]!.AsArray(), a => a!["value"]!.GetValue<string>() == "  ");
        Assert.Equal(1, byAgent["total"]!.GetValue<int>());
        Assert.Equal("  ", byAgent["sessions"]![0]!["agent"]!.GetValue<string>());
        Assert.Equal(1, byModel["total"]!.GetValue<int>());
        await Client.GetAsync($"{workspace.SessionsPath}?agent=", member.Token()).ExpectValidationErrorAsync("query", "agent", 0);
    }

    /// <summary>docs/api.md: a parameter of one value given empty, or blank, is as if absent; its default applies.</summary>
    [Fact]
    public async Task AParameterOfOneValueGivenEmpty_IsAsIfAbsent()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created);
        const string Empty = "page=&limit=&sort_by=&sort_dir=&search=&archived=&include_workload_sessions=";

        var list = await Client.GetAsync($"{workspace.SessionsPath}?{Empty}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{workspace.SessionsPath}/facets?{Empty}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var groups = await Client.GetAsync($"{workspace.SessionsPath}/groups?{Empty.Replace("search=", "search=%20%20", StringComparison.Ordinal)}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{workspace.SessionsPath}/grouped?{Empty}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.GetAsync($"{workspace.SessionsPath}/usage?group_by=day&from=&to=&{Empty}", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory?format=%20&include_compacted=", owner.Token())).StatusCode);

        Assert.Equal((1, 20), (list["total"]!.GetValue<int>(), list["limit"]!.GetValue<int>()));
        Assert.Equal(1, groups["total"]!.GetValue<int>());
    }

    /// <summary>Bodies too are read by their names as written: a member named in another case is no field of the request (docs/api.md: snake_case).</summary>
    [Fact]
    public async Task ABodysMembers_AreReadByTheirExactNames()
    {
        var (workspace, member) = await AWorkspaceWithAMemberAsync();

        var created = await Client.PostAsync(workspace.SessionsPath, member.Token(), new Dictionary<string, object> { ["id"] = Guid.NewGuid(), ["model"] = "a", ["Model"] = "b", ["TITLE"] = "t" })
            .ExpectAsync(HttpStatusCode.Created);
        await Client.PostAsync(workspace.SessionsPath, member.Token(), new Dictionary<string, object> { ["id"] = Guid.NewGuid(), ["Model"] = "b" })
            .ExpectValidationErrorAsync("body", "model");

        Assert.Equal(("a", (string?)null), (created["model"]!.GetValue<string>(), created["title"]?.GetValue<string>()));
    }

    [Theory]
    [InlineData("0x10")]
    [InlineData("%2310")]
    [InlineData("%26h10")]
    [InlineData("%2B5")]
    [InlineData("%205")]
    [InlineData("5%0A")]
    [InlineData("1e1")]
    [InlineData("-")]
    public async Task AnIntegerInTheQuery_IsDecimalDigitsOnly(string limit)
    {
        var (workspace, member) = await AWorkspaceWithAMemberAsync();

        var error = await Client.GetAsync($"{workspace.SessionsPath}?limit={limit}", member.Token()).ExpectValidationErrorAsync("query", "limit");

        Assert.Equal("int_parsing", error["type"]!.GetValue<string>());
    }

    /// <summary>
    /// An integer that does not bind (past its type, a fraction, text) is told the range the field
    /// takes, the one its value would be held to once it binds; its type's only where it states none.
    /// </summary>
    [Fact]
    public async Task AnIntegerThatDoesNotBind_IsToldTheRangeTheFieldTakes_InTheQueryAndInTheBody()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var page = await Client.GetAsync($"{workspace.SessionsPath}?page=2147483648", owner.Token()).ExpectValidationErrorAsync("query", "page");
        var seq = await Client.GetAsync($"{workspace.SessionPath(session)}/transcript?after_seq=99999999999999999999", owner.Token()).ExpectValidationErrorAsync("query", "after_seq");
        var text = await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q=a&after_seq=abc", owner.Token()).ExpectValidationErrorAsync("query", "after_seq");
        var count = await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { message_count = 2147483648L }).ExpectValidationErrorAsync("body", "message_count");
        var rewind = await Client.PostAsync($"{workspace.SessionPath(session)}/rewind", owner.Token(), new { from_seq = 1.5 }).ExpectValidationErrorAsync("body", "from_seq");
        var tokens = await Client.PostAsync(
            $"{workspace.SessionPath(session)}/transcript",
            owner.Token(),
            """{"messages": [{"role": "assistant", "content": "a", "usage": {"input_tokens": 1e3}}]}""").ExpectValidationErrorAsync("body", "messages", 0, "usage", "input_tokens");
        var listed = await Client.GetAsync($"{workspace.SessionsPath}?page=-1", owner.Token()).ExpectValidationErrorAsync("query", "page");

        Assert.Equal("must be an integer from 1 to 1000000", page["msg"]!.GetValue<string>());
        Assert.Equal("must be an integer from 0 to 9223372036854775807", seq["msg"]!.GetValue<string>());
        Assert.Equal("must be an integer from 0 to 9223372036854775807", text["msg"]!.GetValue<string>());
        Assert.Equal("must be an integer from 0 to 2147483647", count["msg"]!.GetValue<string>());
        Assert.Equal("must be an integer from 1 to 9223372036854775807", rewind["msg"]!.GetValue<string>());
        Assert.Equal("must be an integer from 0 to 1000000000000", tokens["msg"]!.GetValue<string>());
        Assert.Equal("int_parsing", rewind["type"]!.GetValue<string>());
        Assert.NotEqual("int_parsing", listed["type"]!.GetValue<string>());
    }

    /// <summary>
    /// A request whose path, query and body each hold a value that does not bind is told all of
    /// them in one answer, not one part per retry.
    /// </summary>
    [Fact]
    public async Task ValuesThatDoNotBind_InThePathAndTheBody_AreToldTogether()
    {
        var (workspace, owner, _) = await AMembersSessionAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        var member = await Client.SendAsync(HttpMethod.Put, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/abc", admin.Token(), new { role = 5 })
            .ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");
        var transcript = await Client.GetAsync($"{workspace.SessionsPath}/zz/transcript?limit=x", owner.Token())
            .ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");

        Assert.Equal(["""["path","user_id"]""", """["body","role"]"""], Locations(member).Order().Reverse());
        Assert.Equal(["""["path","session_id"]""", """["query","limit"]"""], Locations(transcript).Order());
    }

    private static IEnumerable<string> Locations(System.Text.Json.Nodes.JsonObject envelope) =>
        envelope["errors"]!.AsArray().Select(error => error!["loc"]!.ToJsonString());
}
