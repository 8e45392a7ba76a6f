using System.Globalization;
using System.Text.Json;
using Sessions.Api.Json;
using Sessions.Application.Events;
using Sessions.Application.Transcripts;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Export;

/// <summary>
/// Writes a trajectory to the response as its messages are read, flushing after every message,
/// so what is in memory at any time is one page of messages and one step, whatever the length of
/// the transcript (CONTRACT §5.6).
/// </summary>
public static class TrajectoryWriters
{
    private static readonly JsonSerializerOptions Json = JsonDefaults.Create();

    /// <summary>As the API writes JSON: no HTML escaping (the answers are application/json).</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = Json.Encoder };

    /// <summary>
    /// Writes the export in its format. The writer is disposed (which flushes the response) only when
    /// the export is whole: a failure before the first page of messages was read has then sent
    /// nothing, and the error handler still answers with the envelope (502 or 504 for the database)
    /// instead of a 200 cut off after its opening; a failure after it ends the connection. The writer
    /// holds no resource but its buffer, left to the collector on failure.
    /// </summary>
    public static async Task WriteAsync(TrajectoryExport export, Stream body, CancellationToken cancellationToken)
    {
        var writer = new Utf8JsonWriter(body, WriterOptions);
        await (export.Format switch
        {
            TrajectoryFormat.Openai => WriteOpenAiAsync(export, writer, cancellationToken),
            TrajectoryFormat.Native => WriteNativeAsync(export, writer, cancellationToken),
            _ => AtifWriter.WriteAsync(export, writer, cancellationToken),
        });
        await writer.DisposeAsync();
    }

    /// <summary>The Chat Completions message array: the stored system prompt first, tool calls with their arguments as JSON text.</summary>
    private static async Task WriteOpenAiAsync(TrajectoryExport export, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartArray();
        if (export.SystemPrompt is { } systemPrompt)
        {
            writer.WriteStartObject();
            writer.WriteString("role", "system");
            writer.WriteString("content", systemPrompt);
            writer.WriteEndObject();
        }

        await foreach (var message in export.Messages.WithCancellation(cancellationToken))
        {
            writer.WriteStartObject();
            writer.WriteString("role", WireName(message.Role));
            switch (message.Role)
            {
                case MessageRole.Tool:
                    writer.WriteString("tool_call_id", message.ToolCallId);
                    writer.WriteString("content", message.Content);
                    break;
                case MessageRole.Assistant when message.ToolCalls.Count > 0:
                    if (message.Content.Length == 0)
                    {
                        writer.WriteNull("content");
                    }
                    else
                    {
                        writer.WriteString("content", message.Content);
                    }

                    writer.WriteStartArray("tool_calls");
                    foreach (var call in message.ToolCalls)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", call.Id);
                        writer.WriteString("type", "function");
                        writer.WriteStartObject("function");
                        writer.WriteString("name", call.Name);
                        writer.WriteString("arguments", ArgumentsText(call.Arguments));
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteString("content", message.Content);
                    break;
            }

            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The session, its messages and its stored events, as the API answers them.</summary>
    private static async Task WriteNativeAsync(TrajectoryExport export, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteString("format", "native");
        writer.WriteNumber("version", 1);
        writer.WritePropertyName("session");
        WriteValue(writer, Contracts.Answers.SessionView.From(export.Session));
        writer.WriteStartArray("messages");
        await foreach (var message in export.Messages.WithCancellation(cancellationToken))
        {
            WriteValue(writer, Contracts.Answers.MessageView.From(message));
            await writer.FlushAsync(cancellationToken);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("events");
        await foreach (var stored in export.Events.WithCancellation(cancellationToken))
        {
            WriteEvent(writer, stored);
            await writer.FlushAsync(cancellationToken);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>A value as the API answers it; serialized apart, since the serializer flushes a writer it is given synchronously.</summary>
    private static void WriteValue<T>(Utf8JsonWriter writer, T value) =>
        writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(value, Json), skipInputValidation: true);

    private static void WriteEvent(Utf8JsonWriter writer, StoredEvent stored)
    {
        writer.WriteStartObject();
        writer.WriteString("type", stored.Type);
        writer.WriteString("occurred_at", Timestamp(stored.OccurredAt));
        writer.WritePropertyName("data");
        writer.WriteRawValue(stored.DataJson);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A tool call's arguments as the JSON text Chat Completions carries: a string that holds JSON
    /// text as it is (the usual form), anything else as its JSON (a string that is not JSON text,
    /// such as <c>ls -la</c>, as the JSON string <c>"ls -la"</c>).
    /// </summary>
    private static string ArgumentsText(JsonElement arguments)
    {
        if (arguments.ValueKind == JsonValueKind.String && arguments.GetString() is { } text && IsJsonText(text))
        {
            return text;
        }

        return arguments.GetRawText();
    }

    private static bool IsJsonText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static string WireFormat(TrajectoryFormat format) => JsonNamingPolicy.SnakeCaseLower.ConvertName(format.ToString());

    internal static string WireName(MessageRole role) => JsonNamingPolicy.SnakeCaseLower.ConvertName(role.ToString());

    internal static string Timestamp(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
