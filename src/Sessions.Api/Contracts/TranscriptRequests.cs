using System.Text.Json;
using System.Text.Json.Serialization;
using NJsonSchema.Annotations;
using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Contracts;

/// <summary>Token usage of one generation: counts are integers ≥ 0 (missing ones are 0); the cost may be null.</summary>
public sealed record UsageRequest
{
    [NumberRange(0, TranscriptRules.MaxTokens)]
    public long? InputTokens { get; init; }

    [NumberRange(0, TranscriptRules.MaxTokens)]
    public long? OutputTokens { get; init; }

    [NumberRange(0, TranscriptRules.MaxTokens)]
    public long? CacheReadInputTokens { get; init; }

    [NumberRange(0, TranscriptRules.MaxTokens)]
    public long? CacheCreationInputTokens { get; init; }

    /// <summary>At most ten decimal places (the stored precision): a cost computed in floating point must be rounded to them first (more are refused, 422).</summary>
    [Cost]
    [JsonConverter(typeof(CostJsonConverter))]
    public decimal? CostUsd { get; init; }
}

public sealed record ToolCallRequest
{
    [MaxChars(FieldLimits.MessageIdentifier, Minimum = 1)]
    [RequiredField]
    public string? Id { get; init; }

    [MaxChars(FieldLimits.MessageIdentifier, Minimum = 1)]
    [RequiredField]
    public string? Name { get; init; }

    /// <summary>Any JSON (an object or the string of one); stored and answered verbatim.</summary>
    public JsonElement? Arguments { get; init; }
}

/// <summary>A message in (CONTRACT §5.3).</summary>
public sealed record MessageRequest
{
    /// <summary>Optional; a message whose id the session already has is not stored again.</summary>
    public Guid? Id { get; init; }

    [RequiredField]
    public MessageRole? Role { get; init; }

    /// <summary>Default "", at most 2 MiB of characters.</summary>
    [MaxChars(FieldLimits.MessageContent)]
    public string? Content { get; init; }

    public Guid? ParentId { get; init; }

    [MaxChars(FieldLimits.MessageIdentifier, Minimum = 1)]
    public string? ToolCallId { get; init; }

    /// <summary>Each call with an `id` of its own: a tool result names its call by it (a repeated one is 422).</summary>
    [Count(0, TranscriptRules.MaxToolCallsPerMessage)]
    [JsonSchemaType(typeof(List<ToolCallRequest>))]
    public ToolCallRequestCollection? ToolCalls { get; init; }

    public MessageMetadataDictionary? Metadata { get; init; }

    public UsageRequest? Usage { get; init; }

    /// <summary>The command's message. Tool calls past the limit are cut to one past it: the list is refused for its count, and none of its calls is checked.</summary>
    public MessageInput ToInput() => new(
        Id,
        Role,
        Content,
        ParentId,
        ToolCallId,
        ToolCalls?.Take(TranscriptRules.MaxToolCallsPerMessage + 1).Select(call => call is null ? null : new ToolCallInput(call.Id, call.Name, call.Arguments?.GetRawText())).ToList(),
        FreeFormJson.Text(Metadata),
        Usage is null ? null : new UsageInput(Usage.InputTokens, Usage.OutputTokens, Usage.CacheReadInputTokens, Usage.CacheCreationInputTokens, Usage.CostUsd));
}

/// <summary>The agent context of an append; it updates the session's agent and model and stores the system prompt.</summary>
public sealed record ContextRequest
{
    [MaxChars(FieldLimits.SessionAgent)]
    public string? Agent { get; init; }

    [MaxChars(FieldLimits.SessionModel, Minimum = 1)]
    [RequiredField]
    public string? Model { get; init; }

    [MaxChars(FieldLimits.SystemPrompt)]
    public string? SystemPrompt { get; init; }
}

public sealed record AppendTranscriptRequest
{
    public ContextRequest? Context { get; init; }

    /// <summary>1 to 500 messages.</summary>
    [RequiredField]
    [Count(1, TranscriptRules.MaxMessagesPerAppend)]
    [JsonSchemaType(typeof(List<MessageRequest>))]
    public MessageRequestCollection? Messages { get; init; }
}

/// <summary>An append's messages, read up to one past their limit (<see cref="CappedCollection{T}"/>).</summary>
public sealed class MessageRequestCollection() : CappedCollection<MessageRequest>(TranscriptRules.MaxMessagesPerAppend);

/// <summary>A message's tool calls, read up to one past their limit (<see cref="CappedCollection{T}"/>).</summary>
public sealed class ToolCallRequestCollection() : CappedCollection<ToolCallRequest>(TranscriptRules.MaxToolCallsPerMessage);

public sealed record CompactTranscriptRequest
{
    /// <summary>The summary, appended as a new message.</summary>
    [RequiredField]
    public MessageRequest? Summary { get; init; }

    /// <summary>Messages with seq up to this one are compacted.</summary>
    [RequiredField]
    [NumberRange(1)]
    public long? UpToSeq { get; init; }
}

public sealed record RewindRequest
{
    /// <summary>The seq of the user message to rewind to; it and every later message are deleted.</summary>
    [RequiredField]
    [NumberRange(1)]
    public long? FromSeq { get; init; }
}
