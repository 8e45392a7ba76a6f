using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>
/// The rules of an ATIF v1.7 document (Harbor RFC 0001) as CONTRACT §5.6 states them, checked
/// independently of the service's writer: keys, step numbering, agent-only fields, tool calls and
/// their results, metrics arithmetic and the null-cost rule (over every message's usage, as the
/// session's cost is, CONTRACT 6). Given the stored messages (as the transcript answers them), it
/// also checks each agent step's metrics against its message's usage. Answers every violation found.
/// </summary>
public static class AtifValidator
{
    private static readonly string[] RootKeys = ["schema_version", "session_id", "trajectory_id", "agent", "steps", "notes", "final_metrics", "extra"];
    private static readonly string[] AgentKeys = ["name", "version", "model_name", "tool_definitions", "extra"];
    private static readonly string[] StepKeys = ["step_id", "timestamp", "source", "model_name", "message", "reasoning_content", "tool_calls", "observation", "metrics", "extra"];
    private static readonly string[] AgentOnlyKeys = ["model_name", "reasoning_content", "tool_calls", "metrics"];
    private static readonly string[] ToolCallKeys = ["tool_call_id", "function_name", "arguments"];
    private static readonly string[] ResultKeys = ["source_call_id", "content"];
    private static readonly string[] MetricsKeys = ["prompt_tokens", "completion_tokens", "cached_tokens", "cost_usd", "extra"];
    private static readonly string[] FinalMetricsKeys = ["total_prompt_tokens", "total_completion_tokens", "total_cached_tokens", "total_cost_usd", "total_steps", "extra"];

    public static List<string> Violations(JsonObject document, IReadOnlyCollection<JsonObject>? stored = null)
    {
        var errors = new List<string>();
        Keys(document, RootKeys, "document", errors);
        if (document["schema_version"]?.GetValue<string>() != "ATIF-v1.7")
        {
            errors.Add("schema_version is not ATIF-v1.7");
        }

        if (document["session_id"]?.GetValueKind() is not JsonValueKind.String)
        {
            errors.Add("session_id (a string) is required");
        }

        if (document["steps"] is not JsonArray)
        {
            errors.Add("steps (an array) is required");
        }

        if (document["final_metrics"] is not JsonObject)
        {
            errors.Add("final_metrics (an object) is required");
        }

        if (document["agent"] is not JsonObject agent || agent["name"] is null)
        {
            errors.Add("agent with a name is required");
        }
        else
        {
            Keys(agent, AgentKeys, "agent", errors);
        }

        var steps = document["steps"] as JsonArray ?? [];
        var usageOf = stored?.ToDictionary(message => message["id"]!.GetValue<string>(), message => message["usage"] as JsonObject);
        decimal prompt = 0, completion = 0, cached = 0;
        decimal cost = 0;
        var costUnknown = false;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i]!.AsObject();
            var at = $"steps[{i}]";
            Keys(step, StepKeys, at, errors);
            if (step["step_id"]?.GetValue<int>() != i + 1)
            {
                errors.Add($"{at}.step_id is not {i + 1}");
            }

            var source = step["source"]?.GetValue<string>();
            if (source is not ("system" or "user" or "agent"))
            {
                errors.Add($"{at}.source '{source}' is not system, user or agent");
            }

            if (step["message"]?.GetValueKind() is not JsonValueKind.String)
            {
                errors.Add($"{at}.message is not a string");
            }

            if (source != "agent")
            {
                errors.AddRange(AgentOnlyKeys.Where(step.ContainsKey).Select(k => $"{at}.{k} on a {source} step"));
            }

            var callIds = new HashSet<string>();
            foreach (var call in step["tool_calls"]?.AsArray() ?? [])
            {
                Keys(call!.AsObject(), ToolCallKeys, $"{at}.tool_calls[]", errors);
                if (call["arguments"] is not JsonObject)
                {
                    errors.Add($"{at}.tool_calls[].arguments is not an object");
                }

                if (!callIds.Add(call["tool_call_id"]!.GetValue<string>()))
                {
                    errors.Add($"{at}.tool_calls[] repeats tool_call_id {call["tool_call_id"]}");
                }
            }

            if (step["observation"] is JsonObject observation)
            {
                Keys(observation, ["results"], $"{at}.observation", errors);
                foreach (var result in observation["results"]?.AsArray() ?? [])
                {
                    Keys(result!.AsObject(), ResultKeys, $"{at}.observation.results[]", errors);
                    if (!callIds.Contains(result["source_call_id"]?.GetValue<string>() ?? string.Empty))
                    {
                        errors.Add($"{at}: result for {result["source_call_id"]} matches no tool call of the step");
                    }
                }
            }

            var storedUsage = usageOf?.GetValueOrDefault(step["extra"]?["id"]?.GetValue<string>() ?? string.Empty);
            if (step["metrics"] is JsonObject metrics)
            {
                Keys(metrics, MetricsKeys, $"{at}.metrics", errors);
                prompt += metrics["prompt_tokens"]!.GetValue<decimal>();
                completion += metrics["completion_tokens"]!.GetValue<long>();
                cached += metrics["cached_tokens"]!.GetValue<long>();
                Count(metrics["cost_usd"]);
                if (usageOf is not null)
                {
                    Matches(metrics, storedUsage, at, errors);
                }
            }
            else if (source == "agent" && storedUsage is not null)
            {
                errors.Add($"{at} has no metrics, but its message has a usage");
            }

            // Usage sent on a message that is no agent step is kept under extra; the whole
            // trajectory's cost counts it too (the RFC's "total real monetary cost").
            var extra = step["extra"] as JsonObject;
            var kept = (extra?["tool_results"]?.AsArray() ?? []).Select(result => result?["usage"]).Prepend(extra?["usage"]);
            foreach (var usage in kept.OfType<JsonObject>())
            {
                Count(usage["cost_usd"]);
            }
        }

        void Count(JsonNode? stepCost)
        {
            if (stepCost is not null)
            {
                cost += stepCost.GetValue<decimal>();
            }
            else
            {
                costUnknown = true;
            }
        }

        if (document["final_metrics"] is JsonObject final)
        {
            Keys(final, FinalMetricsKeys, "final_metrics", errors);
            Expect(final, "total_steps", steps.Count, errors);
            Expect(final, "total_prompt_tokens", prompt, errors);
            Expect(final, "total_completion_tokens", completion, errors);
            Expect(final, "total_cached_tokens", cached, errors);
            var total = final["total_cost_usd"]?.GetValue<decimal>();
            if (costUnknown ? total is not null : total != cost)
            {
                errors.Add($"final_metrics.total_cost_usd is {total?.ToString() ?? "null"}, not {(costUnknown ? "null" : cost)}");
            }
        }

        return errors;
    }

    /// <summary>CONTRACT 5.6: prompt = input + cache read + cache creation, completion = output, cached = cache read, and the cost as stored.</summary>
    private static void Matches(JsonObject metrics, JsonObject? usage, string at, List<string> errors)
    {
        if (usage is null)
        {
            errors.Add($"{at}.metrics on a step whose message has no usage");
            return;
        }

        decimal Tokens(string key) => usage[key]?.GetValue<decimal>() ?? 0;
        var expected = new (string Key, decimal? Value)[]
        {
            ("prompt_tokens", Tokens("input_tokens") + Tokens("cache_read_input_tokens") + Tokens("cache_creation_input_tokens")),
            ("completion_tokens", Tokens("output_tokens")),
            ("cached_tokens", Tokens("cache_read_input_tokens")),
            ("cost_usd", usage["cost_usd"]?.GetValue<decimal>()),
            ("cache_creation_input_tokens", Tokens("cache_creation_input_tokens")),
        };
        foreach (var (key, value) in expected)
        {
            var written = (key == "cache_creation_input_tokens" ? metrics["extra"]?[key] : metrics[key])?.GetValue<decimal>();
            if (written != value)
            {
                errors.Add($"{at}.metrics {key} is {written?.ToString() ?? "null"}, not {value?.ToString() ?? "null"} from its message's usage");
            }
        }
    }

    private static void Expect(JsonObject final, string key, decimal expected, List<string> errors)
    {
        if (final[key]?.GetValue<decimal>() != expected)
        {
            errors.Add($"final_metrics.{key} is {final[key]}, not {expected}");
        }
    }

    private static void Keys(JsonObject node, string[] allowed, string at, List<string> errors) =>
        errors.AddRange(node.Select(p => p.Key).Where(k => !allowed.Contains(k)).Select(k => $"{at} has unknown key '{k}'"));
}
