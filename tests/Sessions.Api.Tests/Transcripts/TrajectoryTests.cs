using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Tests.Transcripts;

[Collection(SharedApiCollection.Name)]
public sealed class TrajectoryTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task Atif_FoldsToolResultsIntoTheirCall_MapsMetrics_AndPassesTheValidator()
    {
        var (workspace, owner, session) = await TranscriptAsync();

        var atif = await ExportAsync(workspace, owner, session, "?format=atif");

        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
        Assert.Equal(session.ToString(), atif["session_id"]!.GetValue<string>());
        Assert.Equal("""{"name":"coder","version":"unknown","model_name":"gpt-4o"}""", atif["agent"]!.ToJsonString());
        var steps = atif["steps"]!.AsArray();
        Assert.Equal(["system", "user", "agent", "agent", "system", "user", "agent"], steps.Select(s => s!["source"]!.GetValue<string>()));
        Assert.Equal("Be brief.", steps[0]!["message"]!.GetValue<string>());
        var withCalls = steps[2]!;
        Assert.Equal("""[{"tool_call_id":"c1","function_name":"read","arguments":{"path":"a"}},{"tool_call_id":"c2","function_name":"calc","arguments":{"x":1}}]""", withCalls["tool_calls"]!.ToJsonString());
        Assert.Equal("""{"results":[{"source_call_id":"c1","content":"file a"},{"source_call_id":"c2","content":"x=1"}]}""", withCalls["observation"]!.ToJsonString());
        Assert.Equal("""{"prompt_tokens":155,"completion_tokens":10,"cached_tokens":50,"cost_usd":0.01,"extra":{"cache_creation_input_tokens":5}}""", withCalls["metrics"]!.ToJsonString());
        Assert.Equal(2, withCalls["extra"]!["seq"]!.GetValue<long>());
        Assert.Equal([3L, 4L], withCalls["extra"]!["tool_results"]!.AsArray().Select(r => r!["seq"]!.GetValue<long>()));
        Assert.Null(withCalls["extra"]!["tool_results"]![0]!["usage"]);
        Assert.Equal(7, withCalls["extra"]!["tool_results"]![1]!["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal("gpt-4o", withCalls["model_name"]!.GetValue<string>());
        Assert.Equal("""{"seq":6,"id":"__ID__","compacted_at":null,"role":"tool","tool_call_id":"zz"}""".Replace("__ID__", steps[4]!["extra"]!["id"]!.GetValue<string>(), StringComparison.Ordinal), steps[4]!["extra"]!.ToJsonString());
        Assert.Equal("""{"raw":"5"}""", steps[6]!["tool_calls"]![0]!["arguments"]!.ToJsonString());
        var final = atif["final_metrics"]!;
        Assert.Equal(7, final["total_steps"]!.GetValue<int>());
        Assert.Equal(155 + 200, final["total_prompt_tokens"]!.GetValue<long>());
        Assert.Null(final["total_cost_usd"]);
    }

    /// <summary>The validator the ATIF tests rely on finds what it is there to find: a required key missing, and a step's metrics that its message's usage does not give.</summary>
    [Fact]
    public async Task TheAtifValidator_FindsAMissingKey_AndMetricsTheUsageDoesNotGive()
    {
        var (workspace, owner, session) = await TranscriptAsync();
        var atif = await ExportAsync(workspace, owner, session, "");
        var agent = atif["steps"]!.AsArray().First(step => step!["metrics"] is not null)!;

        agent["metrics"]!["prompt_tokens"] = JsonNode.Parse("156");
        atif.Remove("session_id");
        var violations = await AtifViolationsAsync(workspace, owner, session, atif);

        Assert.Equal(3, violations.Count);
        Assert.Contains("session_id (a string) is required", violations);
        Assert.Contains(violations, violation => violation.EndsWith(".metrics prompt_tokens is 156, not 155 from its message's usage", StringComparison.Ordinal));
        Assert.Contains(violations, violation => violation.StartsWith("final_metrics.total_prompt_tokens is ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Atif_WithEveryCostKnown_SumsTheCost()
    {
        var (workspace, owner, session) = await SessionAsync();
        await Client.AppendAsync(workspace, owner, session,
            new { role = "user", content = "q" },
            new { role = "assistant", content = "a", usage = new { input_tokens = 10, output_tokens = 1, cost_usd = 0.25 } },
            new { role = "assistant", content = "b", usage = new { input_tokens = 10, output_tokens = 1, cost_usd = 0.5 } });

        var atif = await ExportAsync(workspace, owner, session, "");

        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
        Assert.Equal(0.75m, atif["final_metrics"]!["total_cost_usd"]!.GetValue<decimal>());
        Assert.Equal("unknown", atif["agent"]!["name"]!.GetValue<string>());
    }

    /// <summary>
    /// The final cost is the session's (CONTRACT 6): the cost of every message's usage, a user's
    /// too, and null when any of them lacks one, as the session's own usage says. Tool calls sent
    /// on a message that is no agent step are kept under its <c>extra</c>, as its usage is.
    /// </summary>
    [Fact]
    public async Task Atif_TheFinalCostIsTheSessions_AndToolCallsOfOtherMessagesAreKept()
    {
        var (workspace, owner, known) = await SessionAsync();
        var unknown = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.AppendAsync(workspace, owner, known,
            new { role = "user", content = "q", usage = new { input_tokens = 50, cost_usd = 0.125 }, tool_calls = new[] { new { id = "u1", name = "f", arguments = new { a = 1 } } } },
            new { role = "assistant", content = "a", usage = new { input_tokens = 10, output_tokens = 5, cost_usd = 0.25 } });
        await Client.AppendAsync(workspace, owner, unknown,
            new { role = "user", content = "q", usage = new { input_tokens = 50 } },
            new { role = "assistant", content = "a", usage = new { input_tokens = 10, output_tokens = 5, cost_usd = 0.25 } });

        var atif = await ExportAsync(workspace, owner, known, "");
        var withoutACost = await ExportAsync(workspace, owner, unknown, "");
        var session = await Client.GetAsync(workspace.SessionPath(known), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var sessionWithoutACost = await Client.GetAsync(workspace.SessionPath(unknown), owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(await AtifViolationsAsync(workspace, owner, known, atif));
        Assert.Equal(0.375m, atif["final_metrics"]!["total_cost_usd"]!.GetValue<decimal>());
        Assert.Equal(0.375m, session["usage"]!["total_cost_usd"]!.GetValue<decimal>());
        Assert.Null(withoutACost["final_metrics"]!["total_cost_usd"]);
        Assert.Null(sessionWithoutACost["usage"]!["total_cost_usd"]);
        var user = atif["steps"]![0]!;
        Assert.Null(user["tool_calls"]);
        Assert.Equal("""[{"tool_call_id":"u1","function_name":"f","arguments":{"a":1}}]""", user["extra"]!["tool_calls"]!.ToJsonString());
    }

    /// <summary>
    /// An export's final cost is that of the messages it carries: the current transcript's by
    /// default (the session's <c>current_cost_usd</c>), every message's with the compacted ones
    /// (its <c>total_cost_usd</c>), each null as the session's is. An empty system prompt is none:
    /// sending one clears the prompt, and neither format writes an empty system message.
    /// </summary>
    [Fact]
    public async Task Exports_CostTheMessagesTheyCarry_AndAnEmptySystemPromptIsNone()
    {
        var (workspace, owner, session) = await SessionAsync();
        var path = workspace.SessionPath(session);
        await (await Client.PostAsync(path + "/transcript", owner.Token(), """
            {"context": {"model": "gpt-4o", "system_prompt": "Be brief."},
             "messages": [{"role": "assistant", "content": "a", "usage": {"input_tokens": 1, "output_tokens": 1, "cost_usd": null}}]}
            """)).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync(path + "/transcript", owner.Token(), """
            {"context": {"model": "gpt-4o", "system_prompt": ""},
             "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "b", "usage": {"input_tokens": 1, "output_tokens": 1, "cost_usd": 0.5}}]}
            """)).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync(path + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "summary" }, up_to_seq = 1 })).ExpectAsync(HttpStatusCode.OK);

        var usage = (await Client.GetAsync(path, owner.Token()).ExpectAsync(HttpStatusCode.OK))["usage"]!;
        var current = await ExportAsync(workspace, owner, session, "");
        var everything = await ExportAsync(workspace, owner, session, "?include_compacted=true");
        var openAi = JsonNode.Parse(await ExportTextAsync(workspace, owner, session, "?format=openai&include_compacted=true"))!.AsArray();

        Assert.Null(usage["total_cost_usd"]);
        Assert.Equal(0.5m, usage["current_cost_usd"]!.GetValue<decimal>());
        Assert.Equal(0.5m, current["final_metrics"]!["total_cost_usd"]!.GetValue<decimal>());
        Assert.Null(everything["final_metrics"]!["total_cost_usd"]);
        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, everything));
        Assert.Equal(["agent", "user", "agent", "system"], everything["steps"]!.AsArray().Select(step => step!["source"]!.GetValue<string>()));
        Assert.Equal(["assistant", "user", "assistant", "system"], openAi.Select(m => m!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenAi_IsTheChatCompletionsArray_WithTheSystemPromptFirst_AndStringArguments()
    {
        var (workspace, owner, session) = await TranscriptAsync();

        var messages = JsonNode.Parse(await ExportTextAsync(workspace, owner, session, "?format=openai"))!.AsArray();

        Assert.Equal(["system", "user", "assistant", "tool", "tool", "assistant", "tool", "user", "assistant"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("""{"role":"system","content":"Be brief."}""", messages[0]!.ToJsonString());
        var calls = messages[2]!["tool_calls"]!.AsArray();
        Assert.Equal(["role", "content", "tool_calls"], messages[2]!.AsObject().Select(p => p.Key));
        Assert.Null(messages[2]!["content"]);
        Assert.Equal(["c1", "c2"], calls.Select(c => c!["id"]!.GetValue<string>()));
        Assert.All(calls, c => Assert.Equal("function", c!["type"]!.GetValue<string>()));
        Assert.Equal(["read", "calc"], calls.Select(c => c!["function"]!["name"]!.GetValue<string>()));
        Assert.Equal(["{\"path\": \"a\"}", "{\"x\":1}"], calls.Select(c => c!["function"]!["arguments"]!.GetValue<string>()));
        Assert.Equal("""{"role":"tool","tool_call_id":"c1","content":"file a"}""", messages[3]!.ToJsonString());
        Assert.Equal("""{"role":"assistant","content":"done"}""", messages[5]!.ToJsonString());
        Assert.Equal("5", messages[8]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
    }

    [Fact]
    public async Task Native_CarriesTheSessionItsMessagesAndItsEvents()
    {
        var (workspace, owner, session) = await TranscriptAsync();
        await (await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        var native = await ExportAsync(workspace, owner, session, "?format=native");

        Assert.Equal(["format", "version", "session", "messages", "events"], native.Select(p => p.Key));
        Assert.Equal("native", native["format"]!.GetValue<string>());
        Assert.Equal(1, native["version"]!.GetValue<int>());
        Assert.Equal(session.ToString(), native["session"]!["id"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), native["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));

        // The session object and the messages exactly as the API answers them (CONTRACT §5.6, §6), no field more.
        var answered = await Client.GetAsync(workspace.SessionPath(session), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(answered, native["session"]), native["session"]!.ToJsonString());
        var stored = await Client.AllMessagesAsync(workspace, owner, session);
        Assert.Equal(stored.Select(m => m.ToJsonString()), native["messages"]!.AsArray().Select(m => m!.ToJsonString()));
        var events = native["events"]!.AsArray();
        Assert.Equal(["SessionCreated", "SessionUpdated", "TranscriptAppended", "SessionFrozen"], events.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(["type", "occurred_at", "data"], events[0]!.AsObject().Select(p => p.Key));
        Assert.Equal("""["agent","system_prompt"]""", events[1]!["data"]!["fields"]!.ToJsonString());
        Assert.Equal("user", events[3]!["data"]!["frozen_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task IncludeCompacted_AddsTheCompactedMessages_TheSummaryIsAlwaysThere()
    {
        var (workspace, owner, session) = await TranscriptAsync();
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "summary" }, up_to_seq = 4 })).ExpectAsync(HttpStatusCode.OK);

        var current = JsonNode.Parse(await ExportTextAsync(workspace, owner, session, "?format=openai"))!.AsArray();
        var everything = JsonNode.Parse(await ExportTextAsync(workspace, owner, session, "?format=openai&include_compacted=true"))!.AsArray();
        var atif = await ExportAsync(workspace, owner, session, "?include_compacted=true");

        Assert.Equal(1 + 4 + 1, current.Count);
        Assert.Equal("summary", current[^1]!["content"]!.GetValue<string>());
        Assert.Equal(1 + 8 + 1, everything.Count);
        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
        Assert.NotNull(atif["steps"]![1]!["extra"]!["compacted_at"]);
    }

    [Fact]
    public async Task Download_NamesTheAnswerAsAnAttachment()
    {
        var (workspace, owner, session) = await SessionAsync();

        var response = await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory?format=openai&download=true", owner.Token());
        var inline = await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory", owner.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"attachment; filename=\"session-{session}.openai.json\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
        Assert.Equal("application/json", inline.Content.Headers.ContentType?.MediaType);
        Assert.Null(inline.Content.Headers.ContentDisposition);
    }

    [Theory]
    [InlineData("?download=true")]
    [InlineData("?format=&download=true")]
    [InlineData("?format=%20&download=true")]
    public async Task Download_WithoutAFormat_IsNamedAsTheAtifDocument(string query)
    {
        var (workspace, owner, session) = await SessionAsync();

        var response = await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory{query}", owner.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"attachment; filename=\"session-{session}.atif.json\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("ATIF-v1.7", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["schema_version"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?format=csv", "format")]
    [InlineData("?format=ATIF", "format")]
    [InlineData("?include_compacted=maybe", "include_compacted")]
    [InlineData("?download=2", "download")]
    public async Task BadQuery_Is422AtTheParameter(string query, string parameter)
    {
        var (workspace, owner, session) = await SessionAsync();

        await (await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory{query}", owner.Token())).ExpectValidationErrorAsync("query", parameter);
    }

    /// <summary>A frozen session exports what it did before its freeze: the same steps and messages in every format (the native bundle adds the freeze to its events and its session).</summary>
    [Fact]
    public async Task FrozenSessions_ExportLikeAnyOther_AndInvisibleOnesAre404()
    {
        var (workspace, owner, session) = await TranscriptAsync();
        const string atif = "?format=atif&include_compacted=true";
        const string openai = "?format=openai&include_compacted=true";
        const string all = "?format=native&include_compacted=true";
        var (atifBefore, openaiBefore, nativeBefore) = (await ExportTextAsync(workspace, owner, session, atif), await ExportTextAsync(workspace, owner, session, openai), await ExportAsync(workspace, owner, session, all));

        await (await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var other = await workspace.AddMemberAsync();

        Assert.Equal(atifBefore, await ExportTextAsync(workspace, owner, session, atif));
        Assert.Equal(openaiBefore, await ExportTextAsync(workspace, owner, session, openai));
        var native = await ExportAsync(workspace, owner, session, all);
        Assert.Equal(nativeBefore["messages"]!.ToJsonString(), native["messages"]!.ToJsonString());
        Assert.Equal(
            [.. nativeBefore["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()), "SessionFrozen"],
            native["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        Assert.NotNull(native["session"]!["frozen_at"]);
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory", other.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    /// <summary>
    /// Arguments stored as a string may be JSON text escaping half of a surrogate pair: it parses,
    /// but cannot be written as UTF-8. It is exported as <c>{"raw": text}</c>, and the export stays whole.
    /// </summary>
    [Fact]
    public async Task ArgumentsTextThatCannotBeWritten_IsExportedRaw_AndTheExportStaysWhole()
    {
        var (workspace, owner, session) = await SessionAsync();
        var body = """{"messages": [{"role": "assistant", "content": "", "tool_calls": [{"id": "c", "name": "f", "arguments": "{\"a\":\"\\ud800\"}"}]}]}""";
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), body)).ExpectAsync(HttpStatusCode.OK);

        var atif = await ExportAsync(workspace, owner, session, "");

        var arguments = atif["steps"]![0]!["tool_calls"]![0]!["arguments"]!;
        Assert.Equal("""{"a":"\ud800"}""", arguments["raw"]!.GetValue<string>());
        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
    }

    /// <summary>
    /// Chat Completions carries arguments as JSON text: a string that is not JSON text is written as
    /// its JSON string, which parses back to it; ATIF keeps it as <c>{"raw": text}</c>. An empty
    /// agent is named <c>unknown</c> like a missing one.
    /// </summary>
    [Fact]
    public async Task ArgumentsThatAreNotJsonText_AreAJsonStringInOpenAi_AndAnEmptyAgentIsUnknown()
    {
        var (workspace, owner, session) = await SessionAsync();
        await Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { agent = "" }).ExpectAsync(HttpStatusCode.OK);
        var body = """{"messages": [{"role": "assistant", "content": "", "tool_calls": [{"id": "c", "name": "sh", "arguments": "ls -la"}, {"id": "d", "name": "f", "arguments": "[1, 2]"}]}]}""";
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), body)).ExpectAsync(HttpStatusCode.OK);

        var openAi = JsonNode.Parse(await ExportTextAsync(workspace, owner, session, "?format=openai"))!.AsArray();
        var atif = await ExportAsync(workspace, owner, session, "");

        var arguments = openAi.Single(m => m!["role"]!.GetValue<string>() == "assistant")!["tool_calls"]!.AsArray().Select(c => c!["function"]!["arguments"]!.GetValue<string>()).ToList();
        Assert.Equal(["\"ls -la\"", "[1, 2]"], arguments);
        Assert.Equal("ls -la", JsonNode.Parse(arguments[0])!.GetValue<string>());
        Assert.Equal("""{"raw":"ls -la"}""", atif["steps"]![0]!["tool_calls"]![0]!["arguments"]!.ToJsonString());
        Assert.Equal("unknown", atif["agent"]!["name"]!.GetValue<string>());
        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
    }

    /// <summary>
    /// The system prompt is a row apart from its session (ADR 0073): the migration that moved it
    /// there keeps every stored prompt, back and forth, and leaves none to a session without one;
    /// a deleted session's prompt goes with it, so a session created again under its id has none.
    /// </summary>
    [Fact]
    public async Task TheSystemPrompt_SurvivesItsMigration_AndGoesWithItsSession()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var prompted = (await client.CreateSessionAsync(workspace, owner)).Id();
        var plain = (await client.CreateSessionAsync(workspace, owner)).Id();
        await (await client.PostAsync(workspace.SessionPath(prompted) + "/transcript", owner.Token(), new { context = new { model = "m", system_prompt = "Be brief." }, messages = new[] { new { role = "user", content = "q" } } }))
            .ExpectAsync(HttpStatusCode.OK);
        await client.AppendAsync(workspace, owner, plain, new { role = "user", content = "q" });
        Task<string?> PromptAsync(Guid session) => client.ExportedSystemPromptAsync(workspace, owner, session);

        await host.RunMigrationAgainAsync("_SystemPromptApart");

        Assert.Equal(("Be brief.", null), (await PromptAsync(prompted), await PromptAsync(plain)));
        Assert.Equal(1, await host.WithDbAsync(db => db.Prompts.CountAsync(p => p.SessionId == prompted || p.SessionId == plain)));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, workspace.SessionPath(prompted), owner.Token())).StatusCode);
        await client.CreateSessionAsync(workspace, owner, prompted);
        await client.AppendAsync(workspace, owner, prompted, new { role = "user", content = "again" });

        Assert.Null(await PromptAsync(prompted));
        Assert.Equal(0, await host.WithDbAsync(db => db.Prompts.CountAsync(p => p.SessionId == prompted)));
    }

    /// <summary>
    /// Prompts stored before sessions kept prompt digests (ADR 0074): PostgreSQL's migration
    /// computes their digests; elsewhere it marks them not known, and the first append that sends a
    /// prompt reads the stored one once, raises no change for the same prompt, and stores it with its
    /// digest. From then on the same prompt touches nothing of the prompt, and another one is a
    /// change. A session with no prompt has none to know.
    /// </summary>
    [Fact]
    public async Task PromptsStoredBeforeDigests_AreToldFromTheSentOne_AndReadAtMostOnce()
    {
        await using var host = new CountingApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var prompted = (await client.CreateSessionAsync(workspace, owner)).Id();
        var plain = (await client.CreateSessionAsync(workspace, owner)).Id();
        object Append(string content, string prompt) => new { context = new { model = "m", system_prompt = prompt }, messages = new[] { new { role = "user", content } } };
        Task<IReadOnlyList<string>> AppendAsync(string content, string prompt) =>
            host.Statements.DuringAsync(async () => await (await client.PostAsync(workspace.SessionPath(prompted) + "/transcript", owner.Token(), Append(content, prompt))).ExpectAsync(HttpStatusCode.OK));
        static bool TouchesThePrompt(string statement) => statement.Contains("session_prompts", StringComparison.Ordinal);
        await AppendAsync("q", "Be brief.");
        await client.AppendAsync(workspace, owner, plain, new { role = "user", content = "q" });
        Task<string?> DigestAsync(Guid session) => host.PromptDigestAsync(session);
        async Task<(string? Prompt, int Changes)> ExportedAsync(Guid session)
        {
            var response = await client.GetAsync($"{workspace.SessionPath(session)}/trajectory?format=native", owner.Token());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["events"]!.AsArray();
            var changes = events.Count(e => e!["data"]?["fields"]?.AsArray().Any(f => (string?)f == "system_prompt") == true);
            return (await client.ExportedSystemPromptAsync(workspace, owner, session), changes);
        }

        var digest = SessionPrompt.DigestOf("Be brief.");
        Assert.Equal(digest, await DigestAsync(prompted));
        await host.RunMigrationAgainAsync("_SystemPromptDigest");
        Assert.Equal((host.Database.IsPostgres ? digest : SessionPrompt.UnknownDigest, null), (await DigestAsync(prompted), await DigestAsync(plain)));
        Assert.Equal((("Be brief.", 1), (null, 0)), (await ExportedAsync(prompted), await ExportedAsync(plain)));

        var first = await AppendAsync("again", "Be brief.");
        var second = await AppendAsync("and again", "Be brief.");
        Assert.Equal(("Be brief.", 1), await ExportedAsync(prompted));
        Assert.Equal(digest, await DigestAsync(prompted));
        Assert.Equal(host.Database.IsPostgres ? 0 : 2, first.Count(TouchesThePrompt));
        Assert.DoesNotContain(second, TouchesThePrompt);

        await AppendAsync("then", "Be terse.");
        Assert.Equal(("Be terse.", 2), await ExportedAsync(prompted));
        Assert.Equal(SessionPrompt.DigestOf("Be terse."), await DigestAsync(prompted));
    }

    /// <summary>What the ATIF validator finds in <paramref name="atif"/>, its metrics checked against the session's stored messages.</summary>
    private async Task<List<string>> AtifViolationsAsync(TestWorkspace workspace, TestUser user, Guid session, JsonObject atif) =>
        AtifValidator.Violations(atif, await Client.AllMessagesAsync(workspace, user, session));

    private async Task<JsonObject> ExportAsync(TestWorkspace workspace, TestUser user, Guid session, string query) =>
        JsonNode.Parse(await ExportTextAsync(workspace, user, session, query))!.AsObject();

    private async Task<string> ExportTextAsync(TestWorkspace workspace, TestUser user, Guid session, string query)
    {
        var response = await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory{query}", user.Token());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    private async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session)> SessionAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        return (workspace, owner, (await Client.CreateSessionAsync(workspace, owner)).Id());
    }

    /// <summary>A transcript with every case an export maps: tool calls and their results, an orphan result, costs known and not, non-object arguments.</summary>
    private async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session)> TranscriptAsync()
    {
        var (workspace, owner, session) = await SessionAsync();
        var body = """
            {"context": {"agent": "coder", "model": "gpt-4o", "system_prompt": "Be brief."},
             "messages": [
               {"role": "user", "content": "question"},
               {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "name": "read", "arguments": {"path": "a"}}, {"id": "c2", "name": "calc", "arguments": "{\"x\":1}"}],
                "usage": {"input_tokens": 100, "output_tokens": 10, "cache_read_input_tokens": 50, "cache_creation_input_tokens": 5, "cost_usd": 0.01}},
               {"role": "tool", "tool_call_id": "c1", "content": "file a"},
               {"role": "tool", "tool_call_id": "c2", "content": "x=1", "usage": {"input_tokens": 7}},
               {"role": "assistant", "content": "done", "usage": {"input_tokens": 200, "output_tokens": 20}},
               {"role": "tool", "tool_call_id": "zz", "content": "late"},
               {"role": "user", "content": "thanks"},
               {"role": "assistant", "content": "again", "tool_calls": [{"id": "c3", "name": "count", "arguments": 5}]}
             ]}
            """;
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), body)).ExpectAsync(HttpStatusCode.OK);
        return (workspace, owner, session);
    }

    /// <summary>
    /// Each kind of token's sum over a session fits 64 bits; the prompt total (input, cache read and
    /// cache creation together) may not, and the export writes it exactly. The messages' usage is
    /// set in the database: at the 10^12 tokens a message accepts, a session gets there only after
    /// millions of messages.
    /// </summary>
    [Fact]
    public async Task Atif_APromptTotalPast64Bits_IsWrittenExactly()
    {
        var (workspace, owner, session) = await SessionAsync();
        var usage = new { input_tokens = 1, cache_read_input_tokens = 1, cache_creation_input_tokens = 1, cost_usd = 0 };
        await Client.AppendAsync(workspace, owner, session, new { role = "assistant", content = "one", usage }, new { role = "assistant", content = "two", usage });
        const long Most = 3_000_000_000_000_000_000;
        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE session_messages SET input_tokens = {Most}, cache_read_input_tokens = {Most}, cache_creation_input_tokens = {Most} WHERE session_id = {session}"));

        var atif = await ExportAsync(workspace, owner, session, "?format=atif");

        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
        var final = atif["final_metrics"]!;
        Assert.Equal(18_000_000_000_000_000_000m, final["total_prompt_tokens"]!.GetValue<decimal>());
        Assert.Equal(2 * Most, final["total_cached_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnEmptySession_ExportsInEveryFormat_AsAnAtifTrajectoryWithoutSteps()
    {
        var (workspace, owner, session) = await SessionAsync();

        var atif = await ExportAsync(workspace, owner, session, "");

        Assert.Empty(await AtifViolationsAsync(workspace, owner, session, atif));
        Assert.Empty(atif["steps"]!.AsArray());
        Assert.Equal(0, atif["final_metrics"]!["total_steps"]!.GetValue<int>());
        Assert.Equal("[]", await ExportTextAsync(workspace, owner, session, "?format=openai"));
        Assert.Empty((await ExportAsync(workspace, owner, session, "?format=native"))["messages"]!.AsArray());
    }
}

/// <summary>A host whose reads of transcript messages time out once armed, as a database that stopped answering would.</summary>
public sealed class MessageReadsTimeOutApiFactory : ApiFactory
{
    public TimeOut Reads { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Reads));
    }

    public sealed class TimeOut : DbCommandInterceptor
    {
        private volatile bool _armed;

        public bool Armed
        {
            get => _armed;
            set => _armed = value;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command,
            CommandEventData eventData,
            InterceptionResult<DbDataReader> result,
            CancellationToken cancellationToken = default) =>
            Armed && command.CommandText.Contains("session_messages", StringComparison.Ordinal)
                ? throw new TimeoutException("simulated: the database did not answer")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public sealed class TrajectoryFailureTests(MessageReadsTimeOutApiFactory factory) : IClassFixture<MessageReadsTimeOutApiFactory>
{
    /// <summary>
    /// The database failing before the first page of messages is read: nothing of the export has
    /// been sent, so the answer is the envelope (504), not a 200 cut off after its opening.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("?format=openai")]
    [InlineData("?format=native")]
    public async Task AFailureBeforeTheFirstPage_IsTheEnvelope_NotACutOff200(string query)
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();
        await client.AppendAsync(workspace, owner, session, new { role = "user", content = "q" });

        factory.Reads.Armed = true;
        try
        {
            await (await client.GetAsync($"{workspace.SessionPath(session)}/trajectory{query}", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.GatewayTimeout, "gateway_timeout");
        }
        finally
        {
            factory.Reads.Armed = false;
        }
    }
}
