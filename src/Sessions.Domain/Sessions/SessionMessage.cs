namespace Sessions.Domain.Sessions;

/// <summary>Token usage reported for one generation.</summary>
public sealed record MessageUsage(
    long InputTokens,
    long OutputTokens,
    long CacheReadInputTokens,
    long CacheCreationInputTokens,
    decimal? CostUsd);

/// <summary>One tool call made by an assistant message; <see cref="ArgumentsJson"/> is kept verbatim.</summary>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>
/// A transcript message. Messages live outside the session aggregate's memory (a transcript can be
/// large): the aggregate creates them and adjusts its rollups for every compaction and rewind,
/// which the transcript store applies to the rows in bulk in the same transaction.
/// </summary>
public sealed class SessionMessage : ISessionRow
{
    // Stryker disable all : the constructor EF Core materializes rows with; every value set here is overwritten from the row
    private SessionMessage()
    {
        Content = string.Empty;
        ToolCalls = [];
    }
    // Stryker restore all

    internal SessionMessage(Guid sessionId, long seq, MessageDraft draft, DateTime createdAt)
    {
        Id = draft.Id ?? Guid.CreateVersion7(createdAt);
        SessionId = sessionId;
        Seq = seq;
        Role = draft.Role;
        Content = draft.Content;
        ParentId = draft.ParentId;
        ToolCallId = draft.ToolCallId;
        ToolCalls = draft.ToolCalls;
        MetadataJson = draft.MetadataJson;
        Usage = draft.Usage;
        ToolCallCount = draft.ToolCalls.Count;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid SessionId { get; private set; }

    /// <summary>Position in the transcript: starts at 1, strictly increasing, assigned by the session.</summary>
    public long Seq { get; private set; }

    public MessageRole Role { get; private set; }

    public string Content { get; private set; }

    public Guid? ParentId { get; private set; }

    public string? ToolCallId { get; private set; }

    public IReadOnlyList<ToolCall> ToolCalls { get; private set; }

    /// <summary>Kept as a column so usage sums can be computed in the database.</summary>
    public int ToolCallCount { get; private set; }

    /// <summary>A JSON object supplied by the client, stored verbatim.</summary>
    public string? MetadataJson { get; private set; }

    public MessageUsage? Usage { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? CompactedAt { get; private set; }

    /// <summary>
    /// For the summary a compaction appended, the seq it compacted up to; null for every other
    /// message. A compaction's retry is told from a summary id that names another message by it.
    /// </summary>
    public long? SummaryUpToSeq { get; private set; }

    /// <summary>Whether this is the summary of a compaction up to <paramref name="upToSeq"/>.</summary>
    public bool IsSummaryOf(long upToSeq) => SummaryUpToSeq == upToSeq;

    internal void MarkAsSummaryOf(long upToSeq) => SummaryUpToSeq = upToSeq;
}

/// <summary>A message as a client sends it, before the session assigns its place.</summary>
public sealed record MessageDraft(
    Guid? Id,
    MessageRole Role,
    string Content,
    Guid? ParentId,
    string? ToolCallId,
    IReadOnlyList<ToolCall> ToolCalls,
    string? MetadataJson,
    MessageUsage? Usage);
