using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Contracts;
using Sessions.Api.Json;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Input an attacker (or a broken client) sends: every answer is the envelope with a 4xx that says
/// what to fix, the same on SQLite and PostgreSQL, never a 500.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class HostileInputTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=\"utf-32\"")]
    [InlineData("application/json; charset=no-such-charset")]
    [InlineData("application/json; charset=")]
    public async Task Body_InACharsetOtherThanUtf8_Is415(string contentType)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var json = $$"""{"id":"{{Guid.NewGuid()}}","model":"m"}""";

        await (await PostRawAsync(workspace.SessionsPath, owner, Encoding.UTF8.GetBytes(json), contentType)).ExpectEnvelopeAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request");
        await (await PostRawAsync(workspace.SessionPath(session) + "/transcript", owner, Encoding.Unicode.GetBytes("""{"messages":[{"role":"user"}]}"""), contentType))
            .ExpectEnvelopeAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    /// <summary>RFC 9110 §8.4: the service decodes no content coding; a coded body is 415, not read as it came (a gzip body was 400 "not valid JSON", a JSON body labelled br taken).</summary>
    [Theory]
    [InlineData("gzip", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("br", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("identity, gzip", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("identity", HttpStatusCode.Created)]
    [InlineData("IDENTITY", HttpStatusCode.Created)]
    public async Task Body_WithAContentCoding_Is415(string coding, HttpStatusCode expected)
    {
        // A request without content has nothing to decode, whatever coding it names.
        await Client.SendAsync(HttpMethod.Get, "/health/live", token: null, headers: new Dictionary<string, string> { ["Content-Encoding"] = coding }).ExpectAsync(HttpStatusCode.OK);

        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, workspace.SessionsPath) { Content = new StringContent($$"""{"id":"{{Guid.NewGuid()}}","model":"m"}""", Encoding.UTF8, "application/json") };
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", coding);
        request.Headers.Authorization = new("Bearer", owner.Token());

        var response = await Client.SendAsync(request);

        if (expected == HttpStatusCode.Created)
        {
            await response.ExpectAsync(HttpStatusCode.Created);
        }
        else
        {
            var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request");
            Assert.Contains("Content-Encoding", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json")]
    public async Task Body_InUtf8UnderAnyOfItsNames_IsRead(string contentType)
    {
        var (workspace, owner, _) = await AMembersSessionAsync();

        await (await PostRawAsync(workspace.SessionsPath, owner, Encoding.UTF8.GetBytes($$"""{"id":"{{Guid.NewGuid()}}","model":"m"}"""), contentType)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheOpenApiDocument_NamesNoServer_WhateverHostAndForwardedHeadersTheRequestCarries()
    {
        var forged = new Dictionary<string, string> { ["Host"] = "api.example.com", ["X-Forwarded-Host"] = "evil.example", ["X-Forwarded-Proto"] = "https", ["X-Forwarded-Prefix"] = "/evil" };

        var first = await Client.SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", token: null, headers: forged);
        var firstText = await first.Content.ReadAsStringAsync();
        var later = await Client.SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", token: null, headers: new Dictionary<string, string> { ["Host"] = "api.example.com" });
        var laterText = await later.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.DoesNotContain("evil", firstText, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", laterText, StringComparison.Ordinal);
        Assert.Equal(firstText, laterText);
        Assert.True(later.Headers.CacheControl is { NoStore: false, NoCache: true }, "the same for everyone: cacheable, and asked again with its validator");
        var servers = System.Text.Json.Nodes.JsonNode.Parse(laterText)!["servers"];
        Assert.True(servers is null || servers.AsArray().Count == 0, $"servers: {servers}");
    }

    [Fact]
    public async Task InvalidUtf8InsideAJsonString_Is400MalformedJson()
    {
        var (workspace, owner, _) = await AMembersSessionAsync();
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{Guid.NewGuid()}}","model":"m""").Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();

        await (await PostRawAsync(workspace.SessionsPath, owner, body, "application/json")).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    /// <summary>
    /// Bytes that are not UTF-8 anywhere in a body are 400, in free-form JSON too, where the serializer
    /// reads no string: tool arguments were a 500, metadata and item data stored them as U+FFFD. A
    /// body whose length is told is checked whole; one sent chunked as it is read, a character
    /// split between reads included (<see cref="Body_NotUtf8_PastTheFirstMebibyte_IsFoundAsItArrives"/>).
    /// </summary>
    [Theory]
    [InlineData("transcript", """{"messages":[{"role":"assistant","tool_calls":[{"id":"c","name":"f","arguments":{"a":"#"}}]}]}""", true)]
    [InlineData("transcript", """{"messages":[{"role":"assistant","tool_calls":[{"id":"c","name":"f","arguments":{"#":1}}]}]}""", false)]
    [InlineData("transcript", """{"messages":[{"role":"user","content":"q","metadata":{"a":"#"}}]}""", true)]
    [InlineData("transcript", """{"messages":[{"role":"user","content":"q","metadata":{"a":"#"}}]}""", false)]
    [InlineData("items", """{"item_type":"finding","data":{"nested":["#"]}}""", true)]
    [InlineData("items", """{"item_type":"finding","data":{"nested":["#"]}}""", false)]
    public async Task Body_NotUtf8InFreeFormJson_Is400_AndNothingIsStored(string route, string template, bool lengthTold)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var hash = template.IndexOf('#', StringComparison.Ordinal);
        byte[] body = [.. Encoding.UTF8.GetBytes(template[..hash]), 0xC0, 0xAF, .. Encoding.UTF8.GetBytes(template[(hash + 1)..])];

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{workspace.SessionPath(session)}/{route}") { Content = lengthTold ? new ByteArrayContent(body) : new UntoldLength(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", owner.Token());
        var answer = await (await Client.SendAsync(request)).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");

        Assert.Equal($"The body holds bytes that are not UTF-8 (the first at byte {hash}); send it encoded as UTF-8.", answer["detail"]!.GetValue<string>());
        Assert.Empty(await Client.AllMessagesAsync(workspace, owner, session));
        Assert.Empty(JsonNode.Parse(await (await Client.GetAsync($"{workspace.SessionPath(session)}/items", owner.Token())).Content.ReadAsStringAsync())!.AsArray());
    }

    /// <summary>
    /// A large body (past the first mebibyte, sent chunked) of two-byte characters that every read of
    /// it splits somewhere is read whole; the same body with one byte that is not UTF-8 near its
    /// end is 400, told where.
    /// </summary>
    [Fact]
    public async Task Body_NotUtf8_PastTheFirstMebibyte_IsFoundAsItArrives()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var content = new string('é', 700_000);
        var valid = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content } } }, EveryCharacterAsItself));
        var invalid = (byte[])valid.Clone();
        var at = valid.Length - 100;
        invalid[at] = 0xFF;

        var refused = await SendChunkedAsync(invalid);
        var read = await SendChunkedAsync(valid);

        var answer = await refused.ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Equal($"The body holds bytes that are not UTF-8 (the first at byte {at}); send it encoded as UTF-8.", answer["detail"]!.GetValue<string>());
        await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(content, Assert.Single(await Client.AllMessagesAsync(workspace, owner, session))["content"]!.GetValue<string>());

        async Task<HttpResponseMessage> SendChunkedAsync(byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{workspace.SessionPath(session)}/transcript") { Content = new UntoldLength(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Authorization = new("Bearer", owner.Token());
            return await Client.SendAsync(request);
        }
    }

    /// <summary>
    /// A list past its count limit is told so, once, and its elements are not checked: a small body
    /// of many empty elements bought an error per element (a million of them, an answer of 77 MB).
    /// </summary>
    [Theory]
    [InlineData("messages", 100_000)]
    [InlineData("tool_calls", 20_000)]
    [InlineData("labels", 20_000)]
    public async Task AListPastItsLimit_IsToldItsCountOnce_NotAnErrorPerElement(string list, int count)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var many = string.Join(',', Enumerable.Repeat("{}", count));
        var (path, body, loc, message) = list switch
        {
            "messages" => ("/transcript", $$"""{"messages":[{{many}}]}""", """["body","messages"]""", "must hold 1 to 500 messages"),
            "tool_calls" => ("/transcript", $$"""{"messages":[{"role":"assistant","tool_calls":[{{many}}]}]}""", """["body","messages",0,"tool_calls"]""", "must hold at most 128 tool calls"),
            _ => ("", "{\"labels\":{" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"BAD KEY {i}\":[\"\"]")) + "}}", """["body","labels"]""", "must have at most 50 keys"),
        };

        var method = list == "labels" ? HttpMethod.Patch : HttpMethod.Post;
        var answer = await (await Client.SendAsync(method, workspace.SessionPath(session) + path, owner.Token(), body)).ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");

        var error = Assert.Single(answer["errors"]!.AsArray())!;
        Assert.Equal(loc, error["loc"]!.ToJsonString());
        Assert.Equal(message, error["msg"]!.GetValue<string>());
    }

    /// <summary>
    /// A list read from a body keeps its elements up to one past its limit, which is all the count
    /// check needs, and holds the places of the rest with null as they are read: millions of empty
    /// messages or tool calls (12 MB) held hundreds of megabytes of objects until the refusal (ADR 0067).
    /// </summary>
    [Fact]
    public void AListReadFromABody_KeepsItsElementsUpToOnePastItsLimit()
    {
        var calls = string.Join(',', Enumerable.Repeat("{}", 1_000));
        var json = $$"""{"messages":[{"role":"assistant","tool_calls":[{{calls}}]},{{string.Join(',', Enumerable.Repeat("{}", 10_000))}}]}""";

        var request = JsonSerializer.Deserialize<AppendTranscriptRequest>(json, JsonDefaults.Create())!;

        Assert.Equal(10_001, request.Messages!.Count);
        Assert.Equal(TranscriptRules.MaxMessagesPerAppend + 1, request.Messages.Count(message => message is not null));
        Assert.Equal(MessageRole.Assistant, request.Messages[0]!.Role);
        Assert.Equal(1_000, request.Messages[0]!.ToolCalls!.Count);
        Assert.Equal(TranscriptRules.MaxToolCallsPerMessage + 1, request.Messages[0]!.ToolCalls!.Count(call => call is not null));
    }

    /// <summary>
    /// A free-form object keeps its distinct members up to one past the most its field's limit
    /// allows (six bytes a member at least), a member named again still taking its last value, and
    /// ignores the later ones: a million members held a million documents until the refusal.
    /// </summary>
    [Fact]
    public void AFreeFormObjectReadFromABody_KeepsItsMembersUpToOnePastWhatItsLimitAllows()
    {
        var members = string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"\"k{i}\":0"));
        var json = $$$"""{"role":"user","metadata":{"k0":1,{{{members}}},"k1":"last"}}""";

        var message = JsonSerializer.Deserialize<MessageRequest>(json, JsonDefaults.Create())!;

        var metadata = message.Metadata!;
        Assert.Equal((FieldLimits.MessageMetadata / 6) + 1, metadata.Count);
        Assert.Equal(0, metadata["k0"].GetInt32());
        Assert.Equal("last", metadata["k1"].GetString());
        Assert.False(metadata.ContainsKey("k99999"));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(FreeFormJson.Text(metadata)!) > FieldLimits.MessageMetadata);
    }

    /// <summary>A label map keeps its keys up to one past the most a session may have, a key named again still taking its last values.</summary>
    [Fact]
    public void ALabelMapReadFromABody_KeepsItsKeysUpToOnePastTheMost()
    {
        var keys = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"k{i}\":[\"v\"]"));
        var json = $$$"""{"labels":{"k0":["first"],{{{keys}}},"k1":["last"]}}""";

        var labels = JsonSerializer.Deserialize<UpdateSessionRequest>(json, JsonDefaults.Create())!.Labels!;

        Assert.Equal(SessionRules.MaxLabelKeys + 1, labels.Count);
        Assert.Equal(["v"], labels["k0"]);
        Assert.Equal(["last"], labels["k1"]);
        Assert.False(labels.ContainsKey("k9999"));
    }

    /// <summary>An object of more members than its field's limit allows is refused for its size, as before its members were capped.</summary>
    [Fact]
    public async Task AFreeFormObjectOfAMillionMembers_IsRefusedForItsSize()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var members = string.Join(',', Enumerable.Range(0, 1_000_000).Select(i => $"\"{i}\":0"));

        var error = await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), $$$"""{"messages":[{"role":"user","metadata":{{{{members}}}}}]}"""))
            .ExpectValidationErrorAsync("body", "messages", 0, "metadata");

        Assert.Equal($"must be at most {FieldLimits.MessageMetadata} bytes of JSON", error["msg"]!.GetValue<string>());
    }

    /// <summary>The elements past a list's limit are still read: one of the wrong type is refused at its path, as any element.</summary>
    [Fact]
    public async Task AnElementOfTheWrongTypePastAListsLimit_IsRefusedAtItsPath()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var body = $$"""{"messages":[{{string.Join(',', Enumerable.Repeat("{}", 600))}},5]}""";

        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), body)).ExpectValidationErrorAsync("body", "messages", 600);
    }

    /// <summary>Of many wrong elements within a list's limit, the first 100 errors are told.</summary>
    [Fact]
    public async Task ManyWrongElementsWithinALimit_AreToldAsTheirFirstHundredErrors()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var body = $$"""{"messages":[{{string.Join(',', Enumerable.Repeat("{}", 300))}}]}""";

        var answer = await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), body)).ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");

        var errors = answer["errors"]!.AsArray();
        Assert.Equal(100, errors.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"""["body","messages",{i},"role"]"""), errors.Select(e => e!["loc"]!.ToJsonString()));
        Assert.Empty(await Client.AllMessagesAsync(workspace, owner, session));
    }

    [Theory]
    [InlineData("POST", "{sessions}")]
    [InlineData("PATCH", "{session}")]
    [InlineData("POST", "{session}/transcript")]
    [InlineData("POST", "{session}/transcript/compact")]
    [InlineData("POST", "{session}/rewind")]
    [InlineData("POST", "{session}/items")]
    [InlineData("POST", "{sessions}/groups")]
    [InlineData("PATCH", "{sessions}/groups/{group}")]
    [InlineData("POST", "{sessions}/bulk-freeze")]
    [InlineData("POST", "{sessions}/bulk-share")]
    [InlineData("POST", "{sessions}/bulk-delete")]
    [InlineData("PUT", "/api/v1/org/{org}/ws/{workspace}/members/{user}")]
    [InlineData("POST", "/api/v1/orgs", true)]
    [InlineData("POST", "/api/v1/org/{org}/workspaces", true)]
    public async Task TruncatedJson_OnEveryRouteThatTakesABody_Is400MalformedJson_AndChangesNothing(string method, string route, bool asPlatformAdmin = false)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, admin)).Id();
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", admin.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var path = route
            .Replace("{sessions}", workspace.SessionsPath, StringComparison.Ordinal)
            .Replace("{session}", workspace.SessionPath(session), StringComparison.Ordinal)
            .Replace("{group}", group, StringComparison.Ordinal)
            .Replace("{org}", workspace.Org, StringComparison.Ordinal)
            .Replace("{workspace}", workspace.Workspace, StringComparison.Ordinal)
            .Replace("{user}", member.Id.ToString(), StringComparison.Ordinal);
        var token = asPlatformAdmin ? new TestUser(Guid.NewGuid(), "root@example.com").Token(Scopes.Admin) : admin.Token();
        var before = await StateOfAsync(workspace);

        var envelope = await (await Client.SendAsync(new HttpMethod(method), path, token, """{"title":"x","messages":[""")).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");

        Assert.Contains("JSON", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StateOfAsync(workspace));
    }

    /// <summary>What a write to the workspace or its organization would change: its sessions, messages, items, groups, members, events and the organization's workspaces.</summary>
    private Task<string> StateOfAsync(TestWorkspace workspace) => Factory.WithDbAsync(async db =>
    {
        var sessions = await db.Sessions.Where(s => s.WorkspaceId == workspace.WorkspaceId).OrderBy(s => s.Id).Select(s => new { s.Id, s.Version }).ToListAsync();
        var groups = await db.Groups.Where(g => g.WorkspaceId == workspace.WorkspaceId).OrderBy(g => g.Id).Select(g => new { g.Id, g.Version }).ToListAsync();
        var members = await db.Memberships.Where(m => m.WorkspaceId == workspace.WorkspaceId).OrderBy(m => m.UserId).Select(m => new { m.UserId, m.Role }).ToListAsync();
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var aggregates = sessionIds.Concat(groups.Select(g => g.Id)).Append(workspace.WorkspaceId).Append(workspace.OrganizationId).ToList();
        var messages = await db.Messages.CountAsync(m => sessionIds.Contains(m.SessionId));
        var items = await db.Items.CountAsync(i => sessionIds.Contains(i.SessionId));
        var events = await db.OutboxMessages.CountAsync(o => aggregates.Contains(o.AggregateId));
        var workspaces = await db.Workspaces.CountAsync(w => w.OrganizationId == workspace.OrganizationId);
        return string.Join(" | ", string.Join(",", sessions), string.Join(",", groups), string.Join(",", members), messages, items, events, workspaces);
    });

    /// <summary>
    /// The serializer stops at the first value it cannot bind, before a syntax error later in the
    /// text: such a body is still no JSON (400, with where it breaks), while the same value in
    /// well-formed JSON is the 422 of a mistyped value.
    /// </summary>
    [Theory]
    [InlineData("PATCH", "{session}", "[", "[1]")]
    [InlineData("PATCH", "{session}", "5 x", "5")]
    [InlineData("PATCH", "{session}", "\"a\" \"b\"", "\"a\"")]
    [InlineData("POST", "{sessions}/bulk-freeze", "[1,", "[1]")]
    [InlineData("POST", "{session}/transcript", "{\"messages\":[1,}", "{\"messages\":[1]}")]
    [InlineData("POST", "{session}/transcript", "{\"messages\":\"x\" , ", "{\"messages\":\"x\"}")]
    public async Task JsonThatBreaksAfterAValueOfTheWrongType_Is400MalformedJson_AndTheValueAloneIs422(string method, string route, string malformed, string mistyped)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = route.Replace("{sessions}", workspace.SessionsPath, StringComparison.Ordinal).Replace("{session}", workspace.SessionPath(session), StringComparison.Ordinal);

        var broken = await (await Client.SendAsync(new HttpMethod(method), path, owner.Token(), malformed)).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
        await (await Client.SendAsync(new HttpMethod(method), path, owner.Token(), mistyped)).ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");

        Assert.StartsWith("The body is not valid JSON at line 1, position ", broken["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The second reading for syntax reads as the serializer does: past a leading UTF-8 byte order
    /// mark, and whatever way the UTF-8 charset is written.
    /// </summary>
    [Theory]
    [InlineData(true, "application/json")]
    [InlineData(false, "application/json; charset=\"utf-8\"")]
    [InlineData(true, "application/json; charset=UTF-8")]
    public async Task TheSyntaxOfAMistypedBody_IsReadAsTheSerializerReadsIt(bool byteOrderMark, string contentType)
    {
        var (workspace, owner, _) = await AMembersSessionAsync();
        byte[] Body(string json) => [.. byteOrderMark ? new byte[] { 0xEF, 0xBB, 0xBF } : [], .. Encoding.UTF8.GetBytes(json)];

        await (await PostRawAsync(workspace.SessionsPath, owner, Body("""{"id":"x","title":1,"""), contentType)).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
        await (await PostRawAsync(workspace.SessionsPath, owner, Body("""{"id":"x","title":1}"""), contentType)).ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");
        await (await PostRawAsync(workspace.SessionsPath, owner, Body($$"""{"id":"{{Guid.NewGuid()}}","model":"m","title":"t"}"""), contentType)).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{session}/items", """{"item_type":"x","data":{"note":"\ud800"}}""", "data.note")]
    [InlineData("{session}/items", """{"item_type":"x","data":{},"disposition":{"v":["\udc00"]}}""", "disposition.v")]
    [InlineData("{session}/items", """{"item_type":"x","data":{"k":{"\ud800":1}}}""", "data.k")]
    [InlineData("{sessions}/groups", """{"kind":"workflow","project_id":"8d0d2a6c-3f3c-4a8e-9d43-1f7f3d1c2b10","metadata":{"k":{"deep":"a\udc00b"}}}""", "metadata.k")]
    [InlineData("{session}/transcript", """{"messages":[{"role":"user","metadata":{"m":"\ud800"}}]}""", "messages.0.metadata.m")]
    [InlineData("{session}/transcript", """{"messages":[{"role":"assistant","tool_calls":[{"id":"c","name":"f","arguments":{"a":"\ud800"}}]}]}""", "messages.0.tool_calls.0.arguments")]
    [InlineData("{session}/transcript", """{"messages":[{"role":"user","content":"\ud800"}]}""", "messages.0.content")]
    public async Task AnUnpairedSurrogateEscape_Is422AtItsField_AndStoresNothing(string route, string json, string field)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = route.Replace("{sessions}", workspace.SessionsPath, StringComparison.Ordinal).Replace("{session}", workspace.SessionPath(session), StringComparison.Ordinal);
        object[] loc = ["body", .. field.Split('.').Select(part => int.TryParse(part, out var index) ? (object)index : part)];

        var error = await (await Client.PostAsync(path, owner.Token(), json)).ExpectValidationErrorAsync(loc);

        Assert.Contains("unpaired surrogate", error["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        var transcript = await Client.GetAsync($"{workspace.SessionPath(session)}/transcript", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(transcript["messages"]!.AsArray());
        Assert.Equal("[]", (await (await Client.GetAsync($"{workspace.SessionPath(session)}/items", owner.Token())).Content.ReadAsStringAsync()).Trim());
        Assert.Equal(0, (await Client.GetAsync($"{workspace.SessionsPath}/groups", owner.Token()).ExpectAsync(HttpStatusCode.OK))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task FreeFormJson_CountsItsCharactersAsSent_NotAsEscapes()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var accented = new string('\u00e9', 30_000);
        var quoted = new string('\'', 30_000);
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 15_000));

        // Sent as a browser's JSON.stringify writes them: every character as itself.
        var group = await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), AsItself(new { kind = "workflow", project_id = Guid.NewGuid(), metadata = new { note = accented } })).ExpectAsync(HttpStatusCode.Created);
        var item = await Client.PostAsync($"{workspace.SessionPath(session)}/items", owner.Token(), AsItself(new { item_type = "x", data = new { }, disposition = new { note = quoted } })).ExpectAsync(HttpStatusCode.Created);
        var message = (await Client.PostAsync($"{workspace.SessionPath(session)}/transcript", owner.Token(), AsItself(new { messages = new[] { new { role = "user", metadata = new { note = "<a href='x'>" + accented } } } })).ExpectAsync(HttpStatusCode.OK))["messages"]![0]!;
        var emojiGroup = await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), $$$"""{"kind":"workflow","project_id":"{{{Guid.NewGuid()}}}","metadata":{"note":"{{{emoji}}}"}}""").ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(accented, group["metadata"]!["note"]!.GetValue<string>());
        Assert.Equal(quoted, item["disposition"]!["note"]!.GetValue<string>());
        Assert.Equal("<a href='x'>" + accented, message["metadata"]!["note"]!.GetValue<string>());
        Assert.Equal(emoji, emojiGroup["metadata"]!["note"]!.GetValue<string>());
        await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), AsItself(new { kind = "workflow", project_id = Guid.NewGuid(), metadata = new { note = new string('\u00e9', 70_000) } })).ExpectValidationErrorAsync("body", "metadata");
    }

        [Fact]
    public async Task APairedSurrogateEscape_IsStoredAndAnsweredAsTheCharacter()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var item = await Client.PostAsync($"{workspace.SessionPath(session)}/items", owner.Token(), """{"item_type":"x","data":{"emoji":"\ud83d\ude00"}}""").ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("\U0001F600", item["data"]!["emoji"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?label=", "label", 0)]
    [InlineData("?label", "label", 0)]
    [InlineData("?label=team:red&label=", "label", 1)]
    [InlineData("?agent=", "agent", 0)]
    [InlineData("?model=", "model", 0)]
    [InlineData("?origin=", "origin", 0)]
    public async Task EmptyFilterValues_Are422AtTheirIndex(string query, string parameter, int index)
    {
        var (workspace, owner, _) = await AMembersSessionAsync();

        foreach (var path in new[] { workspace.SessionsPath, workspace.SessionsPath + "/facets" })
        {
            var error = await (await Client.GetAsync(path + query, owner.Token())).ExpectValidationErrorAsync("query", parameter, index);
            Assert.Equal("must not be empty", error["msg"]!.GetValue<string>());
        }
    }

    /// <summary>A parameter that takes one value, given twice, is refused in either order (it was read by its first value, the second ignored).</summary>
    [Theory]
    [InlineData("?limit=5&limit=500")]
    [InlineData("?limit=500&limit=5")]
    public async Task ARepeatedScalarParameter_IsRefusedWhicheverValueComesFirst(string query)
    {
        var (workspace, owner, _) = await AMembersSessionAsync();

        await (await Client.GetAsync(workspace.SessionsPath + query, owner.Token())).ExpectValidationErrorAsync("query", "limit");
    }

    [Theory]
    [InlineData("?page=&limit=&sort_by=&search=&archived=")]
    [InlineData("?page=1&page=2")]
    [InlineData("?limit=5&limit=500")]
    [InlineData("?include_workload_sessions=")]
    public async Task EmptyOrRepeatedScalarParameters_AreNeverA500(string query)
    {
        var (workspace, owner, _) = await AMembersSessionAsync();

        foreach (var path in new[] { workspace.SessionsPath, workspace.SessionsPath + "/facets" })
        {
            var response = await Client.GetAsync(path + query, owner.Token());
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, $"{path}{query}: {(int)response.StatusCode}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await response.ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");
            }
        }
    }

    [Fact]
    public async Task TooManyFilterValues_Are422()
    {
        var (workspace, owner, _) = await AMembersSessionAsync();
        var twentyOneLabels = string.Join('&', Enumerable.Range(0, 21).Select(i => $"label=k{i}:v"));
        var fiftyOneAgents = string.Join('&', Enumerable.Range(0, 51).Select(i => $"agent=a{i}"));

        await (await Client.GetAsync($"{workspace.SessionsPath}?{twentyOneLabels}", owner.Token())).ExpectValidationErrorAsync("query", "label");
        await (await Client.GetAsync($"{workspace.SessionsPath}/facets?{fiftyOneAgents}", owner.Token())).ExpectValidationErrorAsync("query", "agent");
        await (await Client.GetAsync($"{workspace.SessionsPath}?{string.Join('&', Enumerable.Range(0, 20).Select(i => $"label=k{i}:v"))}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwentyLabelKeys_FilterWithAndAcrossKeysAndOrWithinOne()
    {
        var (workspace, owner, _) = await AMembersSessionAsync();
        var labels = Enumerable.Range(0, 20).ToDictionary(i => $"k{i}", i => new[] { "v", $"w{i}" });
        var all = await Client.CreateSessionAsync(workspace, owner, extra: new { labels });
        await Client.CreateSessionAsync(workspace, owner, extra: new { labels = labels.Where(l => l.Key != "k19").ToDictionary() });
        var everyKey = string.Join('&', Enumerable.Range(0, 18).Select(i => $"label=k{i}:v").Append("label=k19:nope&label=k19:w19"));

        var page = await (await Client.GetAsync($"{workspace.SessionsPath}?{everyKey}", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([all.Id().ToString()], page["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
    }

    public static TheoryData<string, string, object[]> NulBodies => new()
    {
        { "create", """{"id":"ID","model":"m\u0000"}""", ["body", "model"] },
        { "create", """{"id":"ID","model":"m","title":"a\u0000b"}""", ["body", "title"] },
        { "create", """{"id":"ID","model":"m","agent":"\u0000"}""", ["body", "agent"] },
        { "create", """{"id":"ID","model":"m","labels":{"team":["r\u0000d"]}}""", ["body", "labels", "team", 0] },
        { "update", """{"title":"x\u0000"}""", ["body", "title"] },
        { "append", """{"messages":[{"role":"user","content":"hi\u0000"}]}""", ["body", "messages", 0, "content"] },
        { "append", """{"messages":[{"role":"tool","tool_call_id":"c\u0000"}]}""", ["body", "messages", 0, "tool_call_id"] },
        { "append", """{"messages":[{"role":"assistant","tool_calls":[{"id":"c","name":"f\u0000"}]}]}""", ["body", "messages", 0, "tool_calls", 0, "name"] },
        { "append", """{"context":{"model":"m","system_prompt":"be\u0000"},"messages":[{"role":"user"}]}""", ["body", "context", "system_prompt"] },
        { "append", """{"context":{"model":"m\u0000"},"messages":[{"role":"user"}]}""", ["body", "context", "model"] },
    };

    [Theory]
    [MemberData(nameof(NulBodies))]
    public async Task Nul_InAnyText_Is422AtItsField(string route, string json, object[] loc)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var (method, path) = route switch
        {
            "create" => (HttpMethod.Post, workspace.SessionsPath),
            "update" => (HttpMethod.Patch, workspace.SessionPath(session)),
            _ => (HttpMethod.Post, workspace.SessionPath(session) + "/transcript"),
        };

        var error = await (await Client.SendAsync(method, path, owner.Token(), json.Replace("ID", Guid.NewGuid().ToString(), StringComparison.Ordinal))).ExpectValidationErrorAsync(loc);

        Assert.Equal("must not contain U+0000", error["msg"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?search=a%00b", "search")]
    [InlineData("?agent=a%00", "agent", 0)]
    [InlineData("?model=%00", "model", 0)]
    [InlineData("?label=team:r%00d", "label", 0)]
    public async Task Nul_InAFilter_Is422AtIt(string query, params object[] loc)
    {
        var (workspace, owner, _) = await AMembersSessionAsync();

        foreach (var path in new[] { workspace.SessionsPath, workspace.SessionsPath + "/facets" })
        {
            var error = await (await Client.GetAsync(path + query, owner.Token())).ExpectValidationErrorAsync(["query", .. loc]);
            Assert.Equal("must not contain U+0000", error["msg"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Nul_InAMessageSearch_Is422()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        await (await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q=x%00", owner.Token())).ExpectValidationErrorAsync("query", "q");
    }

    [Theory]
    [InlineData("""{"id":"ID","model":"m","message_count":"5"}""", "create", new object[] { "body", "message_count" })]
    [InlineData("""{"message_count":"5"}""", "update", new object[] { "body", "message_count" })]
    [InlineData("""{"messages":[{"role":"assistant","usage":{"input_tokens":"5"}}]}""", "append", new object[] { "body", "messages", 0, "usage", "input_tokens" })]
    [InlineData("""{"messages":[{"role":"assistant","usage":{"output_tokens":"5"}}]}""", "append", new object[] { "body", "messages", 0, "usage", "output_tokens" })]
    [InlineData("""{"messages":[{"role":"assistant","usage":{"cache_read_input_tokens":"5"}}]}""", "append", new object[] { "body", "messages", 0, "usage", "cache_read_input_tokens" })]
    [InlineData("""{"messages":[{"role":"assistant","usage":{"cache_creation_input_tokens":"5"}}]}""", "append", new object[] { "body", "messages", 0, "usage", "cache_creation_input_tokens" })]
    [InlineData("""{"messages":[{"role":"assistant","usage":{"cost_usd":"0.5"}}]}""", "append", new object[] { "body", "messages", 0, "usage", "cost_usd" })]
    [InlineData("""{"summary":{"role":"system"},"up_to_seq":"1"}""", "compact", new object[] { "body", "up_to_seq" })]
    [InlineData("""{"from_seq":"1"}""", "rewind", new object[] { "body", "from_seq" })]
    [InlineData("""{"messages":[{"role":"USER"}]}""", "append", new object[] { "body", "messages", 0, "role" })]
    [InlineData("""{"id":"ID","model":"m","origin":"Eval"}""", "create", new object[] { "body", "origin" })]
    [InlineData("""{"id":"ID","model":"m","visibility":"WORKSPACE"}""", "create", new object[] { "body", "visibility" })]
    public async Task NumbersAsStrings_AndEnumsInAnotherCase_Are422(string json, string route, object[] loc)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        // Seq 1 and 2 exist, so compacting up to 1 and rewinding from 1 would be accepted if "1" were read as a number.
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "a" }, new { role = "assistant", content = "b" });
        var (method, path) = route switch
        {
            "create" => (HttpMethod.Post, workspace.SessionsPath),
            "update" => (HttpMethod.Patch, workspace.SessionPath(session)),
            "compact" => (HttpMethod.Post, workspace.SessionPath(session) + "/transcript/compact"),
            "rewind" => (HttpMethod.Post, workspace.SessionPath(session) + "/rewind"),
            _ => (HttpMethod.Post, workspace.SessionPath(session) + "/transcript"),
        };

        await (await Client.SendAsync(method, path, owner.Token(), json.Replace("ID", Guid.NewGuid().ToString(), StringComparison.Ordinal))).ExpectValidationErrorAsync(loc);
    }

    [Fact]
    public async Task TokenWithOverlongOrDirtyDisplayClaims_IsServed_WithTheClaimsCleaned()
    {
        var (workspace, _, _) = await AMembersSessionAsync();
        var member = await workspace.AddMemberAsync();
        var token = TestTokens.Create(member.Id, TestUser.ReadWrite, member.Email, name: "Ada\u0000 " + new string('n', 300), username: new string('u', 400) + "\u0007");

        var created = await (await Client.PostAsync(workspace.SessionsPath, token, new { id = Guid.NewGuid(), model = "m" })).ExpectAsync(HttpStatusCode.Created);

        var chip = created["created_by"]!;
        Assert.Equal(("Ada " + new string('n', 300))[..255], chip["full_name"]!.GetValue<string>());
        Assert.Equal(new string('u', 255), chip["username"]!.GetValue<string>());
        await (await Client.GetAsync(workspace.SessionsPath, token)).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(321)]
    [InlineData(-1)]
    public async Task TokenWithAnUnusableEmail_Is401SayingSo(int length)
    {
        var (workspace, _, _) = await AMembersSessionAsync();
        var member = await workspace.AddMemberAsync();
        var email = length > 0 ? new string('e', length - "@example.com".Length) + "@example.com" : "nul\u0000@example.com";

        var envelope = await (await Client.GetAsync(workspace.SessionsPath, TestTokens.Create(member.Id, TestUser.ReadWrite, email)))
            .ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");

        Assert.Contains("email", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await Client.GetAsync(workspace.SessionsPath, member.Token())).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TokenWithAnEmailWithoutAnAt_Is401NamingTheAt()
    {
        var (workspace, _, _) = await AMembersSessionAsync();
        var member = await workspace.AddMemberAsync();

        var envelope = await (await Client.GetAsync(workspace.SessionsPath, TestTokens.Create(member.Id, TestUser.ReadWrite, "not-an-address")))
            .ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");

        Assert.Contains("'@'", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Some providers send an empty <c>email</c> for users without an address: such a token is served, its user without an email.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task TokenWithABlankEmail_IsServed_AsAUserWithoutAnEmail(string email)
    {
        var (workspace, _, _) = await AMembersSessionAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var user = Guid.NewGuid();
        await Client.SendAsync(HttpMethod.Put, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{user}", admin.Token(), new { role = "member" }).ExpectAsync(HttpStatusCode.OK);
        var token = TestTokens.Create(user, TestUser.ReadWrite, email, name: "Blank Email");

        var created = await (await Client.PostAsync(workspace.SessionsPath, token, new { id = Guid.NewGuid(), model = "m" })).ExpectAsync(HttpStatusCode.Created);

        Assert.Null(created["created_by"]!["email"]);
        Assert.Equal("Blank Email", created["created_by"]!["full_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task PathAndQueryOverTheLimit_Is414Envelope()
    {
        var (workspace, owner, _) = await AMembersSessionAsync();

        await (await Client.GetAsync($"{workspace.SessionsPath}?search={new string('a', 4100)}", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.RequestUriTooLong, "invalid_request");
        await (await Client.GetAsync($"{workspace.SessionsPath}/{new string('a', 4100)}", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.RequestUriTooLong, "invalid_request");
    }

    [Fact]
    public async Task TooManyToolCalls_OrTooMuchMetadata_Is422()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session) + "/transcript";
        var calls = Enumerable.Range(0, 129).Select(i => new { id = $"c{i}", name = "f" });

        await (await Client.PostAsync(path, owner.Token(), new { messages = new[] { new { role = "assistant", tool_calls = calls } } })).ExpectValidationErrorAsync("body", "messages", 0, "tool_calls");
        await (await Client.PostAsync(path, owner.Token(), new { messages = new[] { new { role = "user", metadata = new { blob = new string('x', 70_000) } } } })).ExpectValidationErrorAsync("body", "messages", 0, "metadata");
        await (await Client.PostAsync(path, owner.Token(), new { messages = new[] { new { role = "assistant", tool_calls = calls.Take(128) } } })).ExpectAsync(HttpStatusCode.OK);
    }

    private static readonly System.Text.Json.JsonSerializerOptions EveryCharacterAsItself = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string AsItself(object body) => System.Text.Json.JsonSerializer.Serialize(body, EveryCharacterAsItself);

    /// <summary>A body sent without its length (chunked over HTTP/1.1), in reads of 1000 bytes.</summary>
    private sealed class UntoldLength(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 1000)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(1000, body.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private async Task<HttpResponseMessage> PostRawAsync(string path, TestUser user, byte[] body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Authorization = new("Bearer", user.Token());
        return await Client.SendAsync(request);
    }
}
