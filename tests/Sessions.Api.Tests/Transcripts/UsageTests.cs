using System.Globalization;
using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>Transcripts whose <c>usage</c> was computed by hand, checked field by field.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class UsageTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    public static TheoryData<string> Scenarios() => ["empty", "no usage", "null cost among costed", "tool calls", "compaction then appends", "rewind across a generation"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Usage_MatchesTheHandComputedValues(string scenario)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var expected = await PlayAsync(scenario, workspace, owner, session);

        var usage = await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);

        foreach (var (field, value) in expected)
        {
            var actual = usage[field];
            Assert.True(value is null ? actual is null : actual is not null && actual.GetValue<decimal>() == Convert.ToDecimal(value, CultureInfo.InvariantCulture), $"{scenario}: {field} is {actual?.ToJsonString() ?? "null"}, expected {value ?? "null"}");
        }
    }

    /// <summary>
    /// A session's lifetime cost may reach what every database stores (10 integer digits), not pass
    /// it: the append that would is 409 on SQLite and PostgreSQL alike, and stores nothing.
    /// </summary>
    [Fact]
    public async Task Append_PastTheStoredLifetimeCost_Is409_OnEveryDatabase_AndStoresNothing()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var transcript = workspace.SessionPath(session) + "/transcript";
        object Costing(decimal cost) => new { role = "assistant", content = "a", usage = new { input_tokens = 1, output_tokens = 1, cost_usd = cost } };

        var both = await (await Client.PostAsync(transcript, owner.Token(), new { messages = new[] { Costing(6_000_000_000m), Costing(6_000_000_000m) } }))
            .ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
        await (await Client.PostAsync(transcript, owner.Token(), new { messages = new[] { Costing(6_000_000_000m) } })).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync(transcript, owner.Token(), new { messages = new[] { Costing(6_000_000_000m) } })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
        await (await Client.PostAsync(transcript, owner.Token(), new { messages = new[] { Costing(3_999_999_999.9999999999m) } })).ExpectAsync(HttpStatusCode.OK);

        await (await Client.PostAsync(transcript + "/compact", owner.Token(), new { summary = new { role = "system", content = "s", usage = new { input_tokens = 1, output_tokens = 0, cost_usd = 1m } }, up_to_seq = 1 }))
            .ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");

        Assert.Contains("record further usage in a new session", both["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var usage = await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
        Assert.Equal(9_999_999_999.9999999999m, usage["total_cost_usd"]!.GetValue<decimal>());
        var messages = await Client.AllMessagesAsync(workspace, owner, session);
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Null(m["compacted_at"]));
    }

    private async Task<Dictionary<string, object?>> PlayAsync(string scenario, TestWorkspace workspace, TestUser owner, Guid session)
    {
        switch (scenario)
        {
            case "empty":
                return Expect(0, 0, 0, 0, 0, 0, 0m, 0, 0, 0, 0m, null);

            case "no usage":
                await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "hi" }, new { role = "assistant", content = "hello" });
                return Expect(2, 0, 0, 0, 0, 0, 0m, 2, 0, 0, 0m, null);

            case "null cost among costed":
                await Client.AppendAsync(
                    workspace,
                    owner,
                    session,
                    new { role = "assistant", usage = new { input_tokens = 10, output_tokens = 5, cache_read_input_tokens = 1, cache_creation_input_tokens = 2, cost_usd = 0.5m } },
                    new { role = "assistant", usage = new { input_tokens = 20, output_tokens = 7, cost_usd = (decimal?)null } },
                    new { role = "assistant", usage = new { input_tokens = 5, output_tokens = 1, cost_usd = 0.25m } });
                return Expect(3, 35, 13, 1, 2, 0, null, 3, 35, 13, null, 5, cacheCreation: 2, cacheRead: 1);

            case "tool calls":
                await Client.AppendAsync(
                    workspace,
                    owner,
                    session,
                    new { role = "assistant", tool_calls = new object[] { new { id = "a", name = "f", arguments = new { x = 1 } }, new { id = "b", name = "g", arguments = "{\"y\":2}" } } },
                    new { role = "tool", tool_call_id = "a", content = "42" },
                    new { role = "assistant", tool_calls = new object[] { new { id = "c", name = "f", arguments = new { } } }, usage = new { input_tokens = 8, output_tokens = 2, cost_usd = 0.01m } });
                return Expect(3, 8, 2, 0, 0, 3, 0.01m, 3, 8, 2, 0.01m, 8, currentToolCalls: 3);

            case "compaction then appends":
                await Client.AppendAsync(
                    workspace,
                    owner,
                    session,
                    new { role = "user", content = "start" },
                    new { role = "assistant", usage = new { input_tokens = 100, output_tokens = 10, cost_usd = 1.0m }, tool_calls = new object[] { new { id = "t", name = "f", arguments = new { } } } });
                await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "summary" }, up_to_seq = 2 })).ExpectAsync(HttpStatusCode.OK);
                await Client.AppendAsync(workspace, owner, session, new { role = "assistant", usage = new { input_tokens = 30, output_tokens = 3, cost_usd = 0.5m } });
                return Expect(4, 130, 13, 0, 0, 1, 1.5m, 2, 30, 3, 0.5m, 30);

            default:
                await Client.AppendAsync(
                    workspace,
                    owner,
                    session,
                    new { role = "user", content = "one" },
                    new { role = "assistant", usage = new { input_tokens = 50, output_tokens = 5, cost_usd = 0.1m } },
                    new { role = "user", content = "two" },
                    new { role = "assistant", usage = new { input_tokens = 70, output_tokens = 7, cost_usd = (decimal?)null } });
                var rewound = await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = 3 })).ExpectAsync(HttpStatusCode.OK);
                Assert.Equal(2, rewound["deleted_count"]!.GetValue<int>());
                return Expect(2, 50, 5, 0, 0, 0, 0.1m, 2, 50, 5, 0.1m, 50);
        }
    }

    private static Dictionary<string, object?> Expect(
        long totalMessages,
        long totalInput,
        long totalOutput,
        long totalCacheRead,
        long totalCacheCreation,
        long totalToolCalls,
        decimal? totalCost,
        long currentMessages,
        long currentInput,
        long currentOutput,
        decimal? currentCost,
        long? lastGeneration,
        long cacheRead = 0,
        long cacheCreation = 0,
        long currentToolCalls = 0) => new()
        {
            ["total_message_count"] = totalMessages,
            ["total_input_tokens"] = totalInput,
            ["total_output_tokens"] = totalOutput,
            ["total_cache_read_input_tokens"] = totalCacheRead,
            ["total_cache_creation_input_tokens"] = totalCacheCreation,
            ["total_tool_call_count"] = totalToolCalls,
            ["total_cost_usd"] = totalCost,
            ["current_message_count"] = currentMessages,
            ["current_input_tokens"] = currentInput,
            ["current_output_tokens"] = currentOutput,
            ["current_cache_read_input_tokens"] = cacheRead,
            ["current_cache_creation_input_tokens"] = cacheCreation,
            ["current_tool_call_count"] = currentToolCalls,
            ["current_cost_usd"] = currentCost,
            ["last_generation_input_tokens"] = lastGeneration,
        };
}
