using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>Transcript calls, and the independent recomputation of usage the rollups must equal.</summary>
public static class TranscriptRequests
{
    public static async Task<JsonArray> AppendAsync(this HttpClient client, TestWorkspace workspace, TestUser user, Guid session, params object[] messages)
    {
        var response = await client.PostAsync(workspace.SessionPath(session) + "/transcript", user.Token(), new { messages });
        return (await response.ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();
    }

    /// <summary>Every stored message, compacted ones included, read page by page.</summary>
    public static async Task<List<JsonObject>> AllMessagesAsync(this HttpClient client, TestWorkspace workspace, TestUser user, Guid session)
    {
        var messages = new List<JsonObject>();
        long after = 0;
        while (true)
        {
            var page = await (await client.GetAsync($"{workspace.SessionPath(session)}/transcript?include_compacted=true&limit=500&after_seq={after}", user.Token())).ExpectAsync(HttpStatusCode.OK);
            messages.AddRange(page["messages"]!.AsArray().Select(m => m!.AsObject()));
            if (!page["has_more"]!.GetValue<bool>())
            {
                return messages;
            }

            after = page["next_after_seq"]!.GetValue<long>();
        }
    }

    /// <summary>
    /// Asserts the session's <c>usage</c> equals a recomputation from its stored messages done
    /// here, in test code, from the transcript as the API answers it.
    /// </summary>
    public static async Task<JsonObject> AssertUsageMatchesTranscriptAsync(this HttpClient client, TestWorkspace workspace, TestUser user, Guid session)
    {
        var messages = await client.AllMessagesAsync(workspace, user, session);
        var usage = (await (await client.GetAsync(workspace.SessionPath(session), user.Token())).ExpectAsync(HttpStatusCode.OK))["usage"]!.AsObject();
        Assert.Equal(Recompute(messages).ToJsonString(), Normalize(usage).ToJsonString());
        return usage;
    }

    public static JsonObject Recompute(List<JsonObject> messages)
    {
        var result = new JsonObject();
        Era("total", messages, result);
        Era("current", [.. messages.Where(m => m["compacted_at"] is null)], result);
        var last = messages.Where(m => m["usage"] is not null).OrderBy(m => m["seq"]!.GetValue<long>()).LastOrDefault();
        result["last_generation_input_tokens"] = last?["usage"]!["input_tokens"]!.GetValue<long>();
        return result;
    }

    /// <summary>The usage object with every number as a canonical decimal, so 0 and 0.0 compare equal.</summary>
    public static JsonObject Normalize(JsonObject usage)
    {
        var result = new JsonObject();
        foreach (var era in new[] { "total", "current" })
        {
            foreach (var field in new[] { "message_count", "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "tool_call_count", "cost_usd" })
            {
                var value = usage[$"{era}_{field}"];
                result[$"{era}_{field}"] = value is null ? null : Canonical(value.GetValue<decimal>());
            }
        }

        var lastGeneration = usage["last_generation_input_tokens"];
        result["last_generation_input_tokens"] = lastGeneration?.GetValue<long>();
        return result;
    }

    private static void Era(string era, List<JsonObject> messages, JsonObject result)
    {
        var withUsage = messages.Where(m => m["usage"] is not null).Select(m => m["usage"]!).ToList();
        decimal Sum(string field) => withUsage.Sum(u => u[field]!.GetValue<decimal>());
        result[$"{era}_message_count"] = Canonical(messages.Count);
        result[$"{era}_input_tokens"] = Canonical(Sum("input_tokens"));
        result[$"{era}_output_tokens"] = Canonical(Sum("output_tokens"));
        result[$"{era}_cache_read_input_tokens"] = Canonical(Sum("cache_read_input_tokens"));
        result[$"{era}_cache_creation_input_tokens"] = Canonical(Sum("cache_creation_input_tokens"));
        result[$"{era}_tool_call_count"] = Canonical(messages.Sum(m => m["tool_calls"]!.AsArray().Count));
        result[$"{era}_cost_usd"] = withUsage.Any(u => u["cost_usd"] is null) ? null : Canonical(withUsage.Sum(u => u["cost_usd"]!.GetValue<decimal>()));
    }

    private static string Canonical(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
