using System.Text.Json;
using Sessions.Domain.Sessions;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary><c>total</c> counts every match, whatever page this is.</summary>
public sealed record MessageMatches(
    IReadOnlyList<MessageView> Matches,
    long Total,
    bool HasMore)
{
    public static MessageMatches From(App.Transcripts.MessageMatches source) => new(
        [.. source.Matches.Select(MessageView.From)],
        source.Total,
        source.HasMore);
}

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
    public static MessageView From(App.Transcripts.MessageView source) => new(
        source.Id,
        source.Seq,
        source.Role,
        source.Content,
        source.ParentId,
        source.ToolCallId,
        [.. source.ToolCalls.Select(ToolCallView.From)],
        source.Metadata,
        source.Usage is null ? null : UsageReport.From(source.Usage),
        source.CreatedAt,
        source.CompactedAt);
}

public sealed record ToolCallView(
    string Id,
    string Name,
    JsonElement Arguments)
{
    public static ToolCallView From(App.Transcripts.ToolCallView source) => new(
        source.Id,
        source.Name,
        source.Arguments);
}

public sealed record UsageReport(
    long InputTokens,
    long OutputTokens,
    long CacheReadInputTokens,
    long CacheCreationInputTokens,
    decimal? CostUsd)
{
    public static UsageReport From(App.Transcripts.UsageReport source) => new(
        source.InputTokens,
        source.OutputTokens,
        source.CacheReadInputTokens,
        source.CacheCreationInputTokens,
        source.CostUsd);
}

public sealed record RewindOutcome(
    long DeletedCount,
    long TargetSeq,
    string RestoredContent)
{
    public static RewindOutcome From(App.Transcripts.RewindOutcome source) => new(
        source.DeletedCount,
        source.TargetSeq,
        source.RestoredContent);
}

/// <summary>The messages of an append, as stored, in the order they were sent.</summary>
public sealed record TranscriptMessages(
    IReadOnlyList<MessageView> Messages)
{
    public static TranscriptMessages From(App.Transcripts.TranscriptMessages source) => new(
        [.. source.Messages.Select(MessageView.From)]);
}

/// <summary><c>next_after_seq</c> is the seq to pass as <c>after_seq</c> for the next page (null when the page is empty).</summary>
public sealed record TranscriptPage(
    IReadOnlyList<MessageView> Messages,
    bool HasMore,
    long? NextAfterSeq)
{
    public static TranscriptPage From(App.Transcripts.TranscriptPage source) => new(
        [.. source.Messages.Select(MessageView.From)],
        source.HasMore,
        source.NextAfterSeq);
}
