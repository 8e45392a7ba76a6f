using System.Text.Json;
using Sessions.Application.Transcripts;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Export;

/// <summary>
/// An ATIF v1.7 document (Harbor RFC 0001) written as the transcript is read. Every message is a
/// step (user, agent for assistant, system), except tool results: they are folded into the agent
/// step that made the call, as <c>observation.results</c>. So an agent step stays open until the
/// next message that is not one of its results: it is written up to its tool calls when it is
/// read, each result as it is read, and the rest (metrics, <c>extra</c>) once the step ends, from
/// the few fields kept of each message (never its content); a tool result whose call is not in that
/// step (an orphan) becomes a system step of its own, its role and call id under <c>extra</c>. Our own fields
/// (<c>seq</c>, message <c>id</c>, <c>compacted_at</c>) go under each step's <c>extra</c>; no other key
/// is written outside the RFC's. Metrics exist on agent steps with usage; the final metrics sum their
/// tokens, and the cost of every message's usage.
/// </summary>
public static class AtifWriter
{
    public const string SchemaVersion = "ATIF-v1.7";

    public static async Task WriteAsync(TrajectoryExport export, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        var session = export.Session;
        writer.WriteStartObject();
        writer.WriteString("schema_version", SchemaVersion);
        writer.WriteString("session_id", session.Id.ToString());
        writer.WriteStartObject("agent");
        writer.WriteString("name", session.Agent ?? "unknown");
        writer.WriteString("version", "unknown");
        writer.WriteString("model_name", session.Model);
        writer.WriteEndObject();
        writer.WriteStartArray("steps");

        var steps = new StepWriter(writer, session.Model);
        if (export.SystemPrompt is { } systemPrompt)
        {
            steps.WriteSystemPrompt(systemPrompt, session.CreatedAt);
        }

        await foreach (var message in export.Messages.WithCancellation(cancellationToken))
        {
            steps.Add(message);
            await writer.FlushAsync(cancellationToken);
        }

        steps.Flush();
        writer.WriteEndArray();
        steps.WriteFinalMetrics();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Numbers steps, keeps the open agent step for its tool results, and sums the metrics.</summary>
    private sealed class StepWriter(Utf8JsonWriter writer, string model)
    {
        private OpenStep? _open;
        private int _stepId;
        /// <summary>Input, cache-read and cache-creation tokens together: each kind's sum over a session fits 64 bits, their total may not.</summary>
        private decimal _promptTokens;
        private long _completionTokens;
        private long _cachedTokens;
        private decimal _cost;
        private bool _costUnknown;

        public void WriteSystemPrompt(string systemPrompt, DateTime at)
        {
            Start("system", at);
            writer.WriteString("message", systemPrompt);
            writer.WriteStartObject("extra");
            writer.WriteBoolean("system_prompt", true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        public void Add(MessageView message)
        {
            if (message is { Role: MessageRole.Tool, ToolCallId: { } callId } && _open is { } open && open.CallIds.Contains(callId))
            {
                WriteResult(open, message);
                return;
            }

            Flush();
            switch (message.Role)
            {
                case MessageRole.Assistant:
                    Open(message);
                    break;
                case MessageRole.Tool:
                    WriteOrphanResult(message);
                    break;
                default:
                    WritePlain(message, message.Role == MessageRole.User ? "user" : "system");
                    break;
            }
        }

        /// <summary>Ends the open agent step: its results, its metrics, and our own fields of it and of each result.</summary>
        public void Flush()
        {
            if (_open is not { } open)
            {
                return;
            }

            if (open.Results.Count > 0)
            {
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (open.Agent.Usage is { } usage)
            {
                WriteMetrics(usage);
            }

            writer.WriteStartObject("extra");
            WriteOwnFields(open.Agent);
            if (open.Results.Count > 0)
            {
                writer.WriteStartArray("tool_results");
                foreach (var result in open.Results)
                {
                    writer.WriteStartObject();
                    WriteOwnFields(result);
                    WriteKept(result);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            _open = null;
        }

        /// <summary>Writes an agent step up to its tool calls, and keeps it open for their results.</summary>
        private void Open(MessageView agent)
        {
            Start("agent", agent.CreatedAt);
            writer.WriteString("model_name", model);
            writer.WriteString("message", agent.Content);
            WriteToolCalls(agent.ToolCalls);

            _open = new OpenStep(OwnFields.Of(agent), [.. agent.ToolCalls.Select(call => call.Id)], []);
        }

        /// <summary>Writes one result into the open step's observation, keeping only its own fields.</summary>
        private void WriteResult(OpenStep open, MessageView result)
        {
            if (open.Results.Count == 0)
            {
                writer.WriteStartObject("observation");
                writer.WriteStartArray("results");
            }

            writer.WriteStartObject();
            writer.WriteString("source_call_id", result.ToolCallId);
            writer.WriteString("content", result.Content);
            writer.WriteEndObject();
            open.Results.Add(OwnFields.Of(result));
        }

        public void WriteFinalMetrics()
        {
            writer.WriteStartObject("final_metrics");
            writer.WriteNumber("total_prompt_tokens", _promptTokens);
            writer.WriteNumber("total_completion_tokens", _completionTokens);
            writer.WriteNumber("total_cached_tokens", _cachedTokens);
            WriteCost("total_cost_usd", _costUnknown ? null : _cost);
            writer.WriteNumber("total_steps", _stepId);
            writer.WriteEndObject();
        }

        private void WritePlain(MessageView message, string source)
        {
            Start(source, message.CreatedAt);
            writer.WriteString("message", message.Content);
            writer.WriteStartObject("extra");
            var fields = OwnFields.Of(message);
            WriteOwnFields(fields);
            WriteKept(fields);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        /// <summary>A tool result whose call is not in the agent step before it: kept, as a system step that says what it was.</summary>
        private void WriteOrphanResult(MessageView message)
        {
            Start("system", message.CreatedAt);
            writer.WriteString("message", message.Content);
            writer.WriteStartObject("extra");
            var fields = OwnFields.Of(message);
            WriteOwnFields(fields);
            writer.WriteString("role", "tool");
            writer.WriteString("tool_call_id", message.ToolCallId);
            WriteKept(fields);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        /// <summary>
        /// Metrics and tool calls belong to agent steps; usage and tool calls sent on another
        /// message (a user's, a tool result's) are kept under its <c>extra</c> as they were sent,
        /// so the export drops none. Such usage counts toward the final cost as an agent step's
        /// does: the cost is the session's (CONTRACT 6), unknown when any message's usage lacks one.
        /// </summary>
        private void WriteKept(OwnFields message)
        {
            WriteToolCalls(message.ToolCalls);
            if (message.Usage is not { } usage)
            {
                return;
            }

            CountCost(usage.CostUsd);
            writer.WriteStartObject("usage");
            writer.WriteNumber("input_tokens", usage.InputTokens);
            writer.WriteNumber("output_tokens", usage.OutputTokens);
            writer.WriteNumber("cache_read_input_tokens", usage.CacheReadInputTokens);
            writer.WriteNumber("cache_creation_input_tokens", usage.CacheCreationInputTokens);
            WriteCost("cost_usd", usage.CostUsd);
            writer.WriteEndObject();
        }

        private void Start(string source, DateTime at)
        {
            writer.WriteStartObject();
            writer.WriteNumber("step_id", ++_stepId);
            writer.WriteString("timestamp", TrajectoryWriters.Timestamp(at));
            writer.WriteString("source", source);
        }

        private void WriteMetrics(UsageReport usage)
        {
            var prompt = (decimal)usage.InputTokens + usage.CacheReadInputTokens + usage.CacheCreationInputTokens;
            _promptTokens += prompt;
            _completionTokens += usage.OutputTokens;
            _cachedTokens += usage.CacheReadInputTokens;
            CountCost(usage.CostUsd);

            writer.WriteStartObject("metrics");
            writer.WriteNumber("prompt_tokens", prompt);
            writer.WriteNumber("completion_tokens", usage.OutputTokens);
            writer.WriteNumber("cached_tokens", usage.CacheReadInputTokens);
            WriteCost("cost_usd", usage.CostUsd);
            writer.WriteStartObject("extra");
            writer.WriteNumber("cache_creation_input_tokens", usage.CacheCreationInputTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        private void CountCost(decimal? cost)
        {
            if (cost is { } known)
            {
                _cost += known;
            }
            else
            {
                _costUnknown = true;
            }
        }

        private void WriteToolCalls(IReadOnlyList<ToolCallView> calls)
        {
            if (calls.Count == 0)
            {
                return;
            }

            writer.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("tool_call_id", call.Id);
                writer.WriteString("function_name", call.Name);
                writer.WritePropertyName("arguments");
                WriteArguments(call.Arguments);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        private void WriteCost(string name, decimal? cost)
        {
            if (cost is { } value)
            {
                writer.WriteNumber(name, value);
            }
            else
            {
                writer.WriteNull(name);
            }
        }

        private void WriteOwnFields(OwnFields message)
        {
            writer.WriteNumber("seq", message.Seq);
            writer.WriteString("id", message.Id.ToString());
            if (message.CompactedAt is { } compactedAt)
            {
                writer.WriteString("compacted_at", TrajectoryWriters.Timestamp(compactedAt));
            }
            else
            {
                writer.WriteNull("compacted_at");
            }
        }

        /// <summary>Arguments are a JSON object: an object as stored, a string holding one parsed, anything else as <c>{"raw": text}</c>.</summary>
        private void WriteArguments(JsonElement arguments)
        {
            if (arguments.ValueKind == JsonValueKind.Object)
            {
                arguments.WriteTo(writer);
                return;
            }

            var text = arguments.ValueKind == JsonValueKind.String ? arguments.GetString()! : arguments.GetRawText();
            if (arguments.ValueKind == JsonValueKind.String && ParsedObject(text) is { } parsed)
            {
                parsed.WriteTo(writer);
                return;
            }

            writer.WriteStartObject();
            writer.WriteString("raw", text);
            writer.WriteEndObject();
        }

        /// <summary>
        /// The object a string of arguments holds, if it holds one that can be written: JSON text may
        /// escape half of a surrogate pair (<c>"\ud800"</c>), which parses but cannot be written as
        /// UTF-8, and would end the export midway, for every later export of the session too.
        /// </summary>
        private static JsonElement? ParsedObject(string text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                using (var probe = new Utf8JsonWriter(Stream.Null))
                {
                    document.RootElement.WriteTo(probe);
                }

                return document.RootElement.Clone();
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
            {
                return null;
            }
        }

        /// <summary>What the export writes of a message besides its text: our own fields, its usage and its tool calls.</summary>
        private sealed record OwnFields(long Seq, Guid Id, DateTime? CompactedAt, UsageReport? Usage, IReadOnlyList<ToolCallView> ToolCalls)
        {
            public static OwnFields Of(MessageView message) => new(message.Seq, message.Id, message.CompactedAt, message.Usage, message.ToolCalls);
        }

        /// <summary>An agent step written up to its tool calls: what it still writes when it ends, and the calls whose results it takes.</summary>
        private sealed record OpenStep(OwnFields Agent, List<string> CallIds, List<OwnFields> Results);
    }
}
