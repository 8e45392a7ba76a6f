using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>Token usage as a client reports it; missing token counts are 0.</summary>
public sealed record UsageInput(long? InputTokens, long? OutputTokens, long? CacheReadInputTokens, long? CacheCreationInputTokens, decimal? CostUsd)
{
    public MessageUsage ToUsage() => new(InputTokens ?? 0, OutputTokens ?? 0, CacheReadInputTokens ?? 0, CacheCreationInputTokens ?? 0, CostUsd);
}

/// <summary>A tool call as a client sends it; <see cref="ArgumentsJson"/> is the raw JSON of its arguments.</summary>
public sealed record ToolCallInput(string? Id, string? Name, string? ArgumentsJson);

/// <summary>A message as a client sends it (CONTRACT §5.3 "Message in").</summary>
public sealed record MessageInput(
    Guid? Id,
    MessageRole? Role,
    string? Content,
    Guid? ParentId,
    string? ToolCallId,
    IReadOnlyList<ToolCallInput?>? ToolCalls,
    string? MetadataJson,
    UsageInput? Usage)
{
    /// <summary>The text the message sends, counted as a stored one's is: content, metadata and tool calls' arguments.</summary>
    public long Text => MessagesRead.TextOf(Content, MetadataJson, (ToolCalls ?? []).Select(call => call?.ArgumentsJson));

    public MessageDraft ToDraft() => new(
        Id,
        Role!.Value,
        Content ?? string.Empty,
        ParentId,
        ToolCallId,
        [.. (ToolCalls ?? []).Select(call => new ToolCall(call!.Id!, call.Name!, call.ArgumentsJson ?? "{}"))],
        MetadataJson,
        Usage?.ToUsage());
}

/// <summary>The optional <c>context</c> of an append.</summary>
public sealed record ContextInput(string? Agent, string? Model, string? SystemPrompt);
