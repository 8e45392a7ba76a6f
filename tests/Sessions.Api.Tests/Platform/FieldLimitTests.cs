using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Common;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A text field's limit is declared once (<see cref="FieldLimits"/>): the OpenAPI document states
/// it, a value of exactly that length is stored, and one character more is 422 at the field. The
/// document's required fields and enumerated parameters are likewise what the service enforces.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class FieldLimitTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>The limits as the contract writes them (5.2, 5.5, 5.7), not as the code declares them: a changed constant fails here.</summary>
    public static TheoryData<string, string, int> Fields => new()
    {
        { "CreateSessionRequest", "title", 255 },
        { "CreateSessionRequest", "model", 255 },
        { "CreateSessionRequest", "agent", 255 },
        { "CreateGroupRequest", "title", 255 },
        { "CreateGroupRequest", "worker", 255 },
        { "RecordItemRequest", "item_type", 64 },
        { "RecordItemRequest", "dedupe_key", 255 },
        { "RecordItemRequest", "ref", 1024 },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task TheDocumentedLimit_IsStored_AndOneCharacterMoreIs422(string schema, string field, int limit)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();

        Assert.Equal(limit, document["components"]!["schemas"]![schema]!["properties"]![field]!["maxLength"]!.GetValue<int>());
        var stored = await (await SendAsync(schema, workspace, owner, session, field, new string('x', limit))).ExpectAsync(HttpStatusCode.Created);
        await (await SendAsync(schema, workspace, owner, session, field, new string('x', limit + 1))).ExpectValidationErrorAsync("body", field);

        Assert.Equal(new string('x', limit), stored[field]!.GetValue<string>());
    }

    /// <summary>
    /// What the document lists as required is what the service requires: a body holding every
    /// required field is accepted, and without any one of them (or with it null) it is 422 at that
    /// field. A generated client then refuses to compile a body the service would refuse.
    /// </summary>
    [Theory]
    [InlineData("CreateSessionRequest", new[] { "id", "model" })]
    [InlineData("CreateGroupRequest", new[] { "kind", "project_id" })]
    [InlineData("RecordItemRequest", new[] { "item_type", "data" })]
    public async Task TheDocumentsRequiredFields_AreWhatTheServiceRequires(string schema, string[] required)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();
        var properties = document["components"]!["schemas"]![schema]!;

        Assert.Equal(required.Order(), properties["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
        Assert.All(required, field => Assert.False(properties["properties"]![field]!["nullable"]?.GetValue<bool>() ?? false, field));
        foreach (var field in required)
        {
            await (await SendAsync(schema, workspace, owner, session, field, value: null, remove: true)).ExpectValidationErrorAsync("body", field);
            await (await SendAsync(schema, workspace, owner, session, field, value: null)).ExpectValidationErrorAsync("body", field);
        }
    }

    /// <summary>
    /// An enumerated query parameter is documented with the values the service takes: each is
    /// accepted, anything else is 422 at the parameter; the usage report's grouping is required.
    /// </summary>
    [Fact]
    public async Task TheDocumentsQueryEnumerations_AreWhatTheServiceTakes()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, _) = await AMembersSessionAsync();
        var schemas = document["components"]!["schemas"]!;
        JsonArray Parameters(string suffix) => document["paths"]!.AsObject().Single(p => p.Key.EndsWith(suffix, StringComparison.Ordinal)).Value!["get"]!["parameters"]!.AsArray();
        var list = Parameters("/ws/{workspace}/sessions");
        Assert.Equal("#/components/schemas/SessionSortField", list.Single(p => p!["name"]!.GetValue<string>() == "sort_by")!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/SessionOrigin", list.Single(p => p!["name"]!.GetValue<string>() == "origin")!["schema"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.True(Parameters("/messages/search").Single(p => p!["name"]!.GetValue<string>() == "q")!["required"]!.GetValue<bool>());

        foreach (var (parameter, schema) in new[] { ("sort_by", "SessionSortField"), ("sort_dir", "SortDirection"), ("archived", "ArchivedFilter"), ("origin", "SessionOrigin") })
        {
            var values = schemas[schema]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
            Assert.NotEmpty(values);
            foreach (var value in values)
            {
                await (await Client.GetAsync($"{workspace.SessionsPath}?{parameter}={value}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
            }

            var refused = await Client.GetAsync($"{workspace.SessionsPath}?{parameter}=nope", owner.Token());
            await (parameter == "origin" ? refused.ExpectValidationErrorAsync("query", parameter, 0) : refused.ExpectValidationErrorAsync("query", parameter));
        }

        var usage = Parameters("/sessions/usage");
        Assert.True(usage.Single(p => p!["name"]!.GetValue<string>() == "group_by")!["required"]!.GetValue<bool>());
        await (await Client.GetAsync($"{workspace.SessionsPath}/usage", owner.Token())).ExpectValidationErrorAsync("query", "group_by");
    }

    /// <summary>
    /// A numeric query parameter's documented range and default are what the service applies: the
    /// default answers when the parameter is absent, both ends are accepted, and one past either
    /// end is 422 at the parameter.
    /// </summary>
    [Theory]
    [InlineData("/sessions", "limit", "echoed")]
    [InlineData("/sessions/{session_id}/transcript", "limit", "messages")]
    [InlineData("/sessions/{session_id}/items", "limit", "items")]
    public async Task TheDocumentsBounds_AreWhatTheServiceApplies(string suffix, string parameter, string applied)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();
        var schema = document["paths"]!.AsObject().Single(p => p.Key.EndsWith("/ws/{workspace}" + suffix, StringComparison.Ordinal)).Value!["get"]!["parameters"]!
            .AsArray().Single(p => p!["name"]!.GetValue<string>() == parameter)!["schema"]!;
        var (minimum, maximum, fallback) = ((long)schema["minimum"]!.GetValue<decimal>(), (long)schema["maximum"]!.GetValue<decimal>(), schema["default"]!.GetValue<long>());
        var path = workspace.SessionsPath + suffix.Replace("/sessions", string.Empty, StringComparison.Ordinal).Replace("{session_id}", session.ToString(), StringComparison.Ordinal);
        path = path.Replace($"{workspace.SessionsPath}/{session}", workspace.SessionPath(session), StringComparison.Ordinal);

        Assert.True(minimum >= 1 && minimum <= fallback && fallback <= maximum, $"{minimum}..{maximum}, default {fallback}");
        // One more entry than the default, so that a page of the default's size is the default applied.
        if (applied == "messages")
        {
            await Client.AppendAsync(workspace, owner, session, [.. Enumerable.Range(0, (int)fallback + 1).Select(i => (object)new { role = "user", content = "m" })]);
        }

        for (var i = 0; applied == "items" && i <= fallback; i++)
        {
            await (await Client.PostAsync(path, owner.Token(), new { item_type = "file", data = new { n = i } })).ExpectAsync(HttpStatusCode.Created);
        }

        var absent = await Client.GetAsync(path, owner.Token());
        Assert.Equal(HttpStatusCode.OK, absent.StatusCode);
        var page = JsonNode.Parse(await absent.Content.ReadAsStringAsync())!;
        Assert.Equal(fallback, applied switch
        {
            "echoed" => page["limit"]!.GetValue<long>(),
            "messages" => page["messages"]!.AsArray().Count,
            _ => page.AsArray().Count,
        });

        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"{path}?{parameter}={minimum}", owner.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"{path}?{parameter}={maximum}", owner.Token())).StatusCode);
        await (await Client.GetAsync($"{path}?{parameter}={minimum - 1}", owner.Token())).ExpectValidationErrorAsync("query", parameter);
        await (await Client.GetAsync($"{path}?{parameter}={maximum + 1}", owner.Token())).ExpectValidationErrorAsync("query", parameter);
    }

    /// <summary>A request list's documented count is what the service takes: both ends are accepted, one past either end is 422 at the list.</summary>
    [Theory]
    [InlineData("BulkSessionsRequest", "session_ids")]
    [InlineData("AppendTranscriptRequest", "messages")]
    public async Task TheDocumentsListCounts_AreWhatTheServiceTakes(string schema, string field)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();
        var list = document["components"]!["schemas"]![schema]!["properties"]![field]!;
        var (minimum, maximum) = (list["minItems"]!.GetValue<int>(), list["maxItems"]!.GetValue<int>());

        Task<HttpResponseMessage> Send(int count) => schema == "BulkSessionsRequest"
            ? Client.PostAsync($"{workspace.SessionsPath}/bulk-freeze", owner.Token(), new { session_ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray() })
            : Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = Enumerable.Range(0, count).Select(i => new { role = "user", content = $"m{i}" }).ToArray() });

        Assert.Equal(1, minimum);
        Assert.Equal(HttpStatusCode.OK, (await Send(minimum)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(maximum)).StatusCode);
        await (await Send(minimum - 1)).ExpectValidationErrorAsync("body", field);
        await (await Send(maximum + 1)).ExpectValidationErrorAsync("body", field);
    }

    /// <summary>A text field documented with a least length of one takes one character and refuses an empty text (422 at the field).</summary>
    [Theory]
    [InlineData("CreateSessionRequest", "model")]
    [InlineData("RecordItemRequest", "item_type")]
    [InlineData("RecordItemRequest", "dedupe_key")]
    public async Task TheDocumentsLeastLength_IsWhatTheServiceTakes(string schema, string field)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();

        Assert.Equal(1, document["components"]!["schemas"]![schema]!["properties"]![field]!["minLength"]!.GetValue<int>());
        await (await SendAsync(schema, workspace, owner, session, field, "x")).ExpectAsync(HttpStatusCode.Created);
        await (await SendAsync(schema, workspace, owner, session, field, string.Empty)).ExpectValidationErrorAsync("body", field);
    }

    /// <summary>
    /// A message's usage as documented is what the service takes: each token count from its
    /// documented minimum to its maximum, one past either end refused; a cost up to its maximum in
    /// the ten decimal places its description names, a finer one refused.
    /// </summary>
    [Fact]
    public async Task TheDocumentsUsageRanges_AreWhatTheServiceTakes()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();
        var usage = document["components"]!["schemas"]!["UsageRequest"]!["properties"]!;
        Task<HttpResponseMessage> Append(string field, string number) =>
            Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), $$$"""{"messages":[{"role":"assistant","usage":{"{{{field}}}":{{{number}}}}}]}""");

        foreach (var field in new[] { "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens" })
        {
            var (minimum, maximum) = ((long)usage[field]!["minimum"]!.GetValue<decimal>(), (long)usage[field]!["maximum"]!.GetValue<decimal>());
            Assert.Equal((0L, 1_000_000_000_000L), (minimum, maximum));
            await (await Append(field, $"{maximum}")).ExpectAsync(HttpStatusCode.OK);
            await (await Append(field, $"{maximum + 1}")).ExpectValidationErrorAsync("body", "messages", 0, "usage", field);
            await (await Append(field, $"{minimum - 1}")).ExpectValidationErrorAsync("body", "messages", 0, "usage", field);
        }

        var cost = usage["cost_usd"]!;
        Assert.Equal((0m, 10_000_000_000m, true), (cost["minimum"]!.GetValue<decimal>(), cost["maximum"]!.GetValue<decimal>(), cost["exclusiveMaximum"]!.GetValue<bool>()));
        Assert.Null(cost["multipleOf"]);
        Assert.Contains("ten decimal places", cost["description"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await Append("cost_usd", "388.98418")).ExpectAsync(HttpStatusCode.OK);
        var fresh = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await (await Client.PostAsync(workspace.SessionPath(fresh) + "/transcript", owner.Token(), """{"messages":[{"role":"assistant","usage":{"cost_usd":9999999999.9999999999}}]}"""))
            .ExpectAsync(HttpStatusCode.OK);
        await (await Append("cost_usd", "10000000000")).ExpectValidationErrorAsync("body", "messages", 0, "usage", "cost_usd");
        await (await Append("cost_usd", "0.00000000001")).ExpectValidationErrorAsync("body", "messages", 0, "usage", "cost_usd");
    }

    /// <summary>
    /// The documented label map is what the service takes: its most keys and distinct values per
    /// key accepted (a value repeated past them too: it is dropped), one more of either, a key
    /// without values, a value too long or one ending in a space refused.
    /// </summary>
    [Fact]
    public async Task TheDocumentsLabelMap_IsWhatTheServiceTakes()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, _) = await AMembersSessionAsync();
        var labels = document["components"]!["schemas"]!["CreateSessionRequest"]!["properties"]!["labels"]!;
        var (keys, values) = (labels["maxProperties"]!.GetValue<int>(), labels["additionalProperties"]!);
        var (fewest, length, pattern) = (values["minItems"]!.GetValue<int>(), values["items"]!["maxLength"]!.GetValue<int>(), values["items"]!["pattern"]!.GetValue<string>());
        Task<HttpResponseMessage> Create(int keyCount, IEnumerable<string> list) => Client.PostAsync(workspace.SessionsPath, owner.Token(), new
        {
            id = Guid.NewGuid(),
            model = "m",
            labels = Enumerable.Range(0, keyCount).ToDictionary(k => $"k{k}", _ => list.ToArray()),
        });
        IEnumerable<string> Distinct(int count, int valueLength = 1) => Enumerable.Range(0, count).Select(v => $"{v}".PadLeft(valueLength, 'v'));

        Assert.Equal((50, 1, 256, "[^ ]$"), (keys, fewest, length, pattern));
        Assert.Null(values["maxItems"]);
        Assert.Contains("1 to 20 distinct values", values["description"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await Create(keys, Distinct(20, length))).ExpectAsync(HttpStatusCode.Created);
        await (await Create(1, Enumerable.Repeat("red", 21))).ExpectAsync(HttpStatusCode.Created);
        await (await Create(keys + 1, Distinct(1))).ExpectValidationErrorAsync("body", "labels");
        await (await Create(1, Distinct(21))).ExpectValidationErrorAsync("body", "labels", "k0");
        await (await Create(1, Distinct(fewest - 1))).ExpectValidationErrorAsync("body", "labels", "k0");
        await (await Create(1, Distinct(1, length + 1))).ExpectValidationErrorAsync("body", "labels", "k0", 0);
        await (await Create(1, ["red", "red "])).ExpectValidationErrorAsync("body", "labels", "k0", 1);
    }

    /// <summary>
    /// The list's documented query limits are what the service takes: the search's length, and how
    /// many values a repeated filter holds; at each limit accepted, one past it 422 at the parameter.
    /// </summary>
    [Fact]
    public async Task TheDocumentsQueryLimits_AreWhatTheServiceTakes()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();
        JsonNode Parameter(string suffix, string name) => document["paths"]!.AsObject().Single(p => p.Key.EndsWith(suffix, StringComparison.Ordinal)).Value!["get"]!["parameters"]!
            .AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!["schema"]!;

        var search = Parameter("/ws/{workspace}/sessions", "search")["maxLength"]!.GetValue<int>();
        await (await Client.GetAsync($"{workspace.SessionsPath}?search={new string('s', search)}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        await (await Client.GetAsync($"{workspace.SessionsPath}?search={new string('s', search + 1)}", owner.Token())).ExpectValidationErrorAsync("query", "search");
        foreach (var (name, value) in new[] { ("agent", "a"), ("model", "m"), ("label", "k:v"), ("user_id", Guid.Empty.ToString()) })
        {
            var most = Parameter("/ws/{workspace}/sessions", name)["maxItems"]!.GetValue<int>();
            string Query(int count) => string.Join('&', Enumerable.Range(0, count).Select(_ => $"{name}={value}"));
            await (await Client.GetAsync($"{workspace.SessionsPath}?{Query(most)}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Client.GetAsync($"{workspace.SessionsPath}?{Query(most + 1)}", owner.Token())).StatusCode);
        }

        var q = Parameter("/messages/search", "q");
        Assert.Equal((1, 200), (q["minLength"]!.GetValue<int>(), q["maxLength"]!.GetValue<int>()));
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q={new string('q', 200)}", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q={new string('q', 201)}", owner.Token())).ExpectValidationErrorAsync("query", "q");
    }

    /// <summary>The headers the document names for a session's answers are the ones sent: ETag (also with the answers of the other changes of one session), Location with a 201, the versions and the correlation id.</summary>
    [Fact]
    public async Task TheDocumentsAnswerHeaders_AreTheOnesSent()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, _) = await AMembersSessionAsync();
        var sessions = document["paths"]!.AsObject();
        IReadOnlyList<string> Documented(string suffix, string method, string status) =>
            [.. sessions.Single(p => p.Key.EndsWith(suffix, StringComparison.Ordinal)).Value![method]!["responses"]![status]!["headers"]!.AsObject().Select(h => h.Key).Order(StringComparer.Ordinal)];

        var created = await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m" });
        var read = await Client.GetAsync(created.Headers.Location!.ToString(), owner.Token());
        var missing = await Client.GetAsync(workspace.SessionPath(Guid.NewGuid()), owner.Token());

        Assert.Equal(["ETag", "Location", "X-Correlation-Id", "api-supported-versions"], Documented("/ws/{workspace}/sessions", "post", "201"));
        Assert.Equal(["ETag", "X-Correlation-Id", "api-supported-versions"], Documented("/sessions/{session_id}", "get", "200"));
        Assert.Equal(["X-Correlation-Id"], Documented("/sessions/{session_id}", "get", "404"));
        Assert.Equal(["Retry-After", "X-Correlation-Id"], Documented("/sessions/{session_id}", "get", "429"));
        Assert.Equal(["ETag", "X-Correlation-Id", "api-supported-versions"], Documented("/sessions/{session_id}/items", "post", "201"));
        Assert.Equal(["ETag", "X-Correlation-Id", "api-supported-versions"], Documented("/sessions/{session_id}/transcript", "post", "200"));
        Assert.Equal(["ETag", "X-Correlation-Id", "api-supported-versions"], Documented("/sessions/{session_id}/rewind", "post", "200"));
        Assert.Equal(["X-Correlation-Id", "api-supported-versions"], Documented("/api/v1/orgs", "post", "200"));
        Assert.Equal(["Location", "X-Correlation-Id", "api-supported-versions"], Documented("/sessions/groups", "post", "201"));
        Assert.Equal(["X-Correlation-Id", "api-supported-versions"], Documented("/sessions/{session_id}/transcript", "get", "200"));
        foreach (var (answer, headers) in new[] { (created, Documented("/ws/{workspace}/sessions", "post", "201")), (read, Documented("/sessions/{session_id}", "get", "200")), (missing, Documented("/sessions/{session_id}", "get", "404")) })
        {
            Assert.All(headers, header => Assert.True(answer.Headers.Contains(header), $"{(int)answer.StatusCode} lacks {header}"));
        }
    }

    private Task<HttpResponseMessage> SendAsync(string schema, TestWorkspace workspace, TestUser owner, Guid session, string field, string? value, bool remove = false)
    {
        var (path, body) = schema switch
        {
            "CreateSessionRequest" => (workspace.SessionsPath, new JsonObject { ["id"] = Guid.NewGuid(), ["model"] = "m" }),
            "CreateGroupRequest" => ($"{workspace.SessionsPath}/groups", new JsonObject { ["kind"] = "workflow", ["project_id"] = Guid.NewGuid() }),
            _ => ($"{workspace.SessionPath(session)}/items", new JsonObject { ["item_type"] = "finding", ["data"] = new JsonObject() }),
        };
        if (remove)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = value;
        }

        return Client.PostAsync(path, owner.Token(), body);
    }
}
