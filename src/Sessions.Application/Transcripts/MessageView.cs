using System.Text.Json;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

public sealed record ToolCallView(string Id, string Name, JsonElement Arguments);

public sealed record UsageReport(long InputTokens, long OutputTokens, long CacheReadInputTokens, long CacheCreationInputTokens, decimal? CostUsd);

/// <summary>A stored message (CONTRACT §5.3 "Message out"): what was sent, plus seq, created_at and compacted_at.</summary>
public sealed record MessageView(
    Guid Id,
    long Seq,
    MessageRole Role,
    string Content,
    Guid? ParentId,
    string? ToolCallId,
    IReadOnlyList<ToolCallView> ToolCalls,
    JsonElement? Metadata,
    UsageReport? Usage,
    DateTime CreatedAt,
    DateTime? CompactedAt)
{
    public static MessageView From(SessionMessage message) => new(
        message.Id,
        message.Seq,
        message.Role,
        message.Content,
        message.ParentId,
        message.ToolCallId,
        [.. message.ToolCalls.Select(call => new ToolCallView(call.Id, call.Name, Parse(call.ArgumentsJson)))],
        message.MetadataJson is null ? null : Parse(message.MetadataJson),
        message.Usage is { } usage
            ? new UsageReport(usage.InputTokens, usage.OutputTokens, usage.CacheReadInputTokens, usage.CacheCreationInputTokens, UsageTotals.Normalize(usage.CostUsd))
            : null,
        message.CreatedAt,
        message.CompactedAt);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
