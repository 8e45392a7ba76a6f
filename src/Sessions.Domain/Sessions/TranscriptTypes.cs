namespace Sessions.Domain.Sessions;

/// <summary>
/// What a client may say about the agent along with an append: it updates the session. The system
/// prompt is kept apart from the session (<see cref="SessionPrompt"/>); a prompt sent is told from
/// the stored one by their digests, and comes with the stored prompt's text
/// (<paramref name="StoredPrompt"/>) only where the session does not know its digest
/// (<see cref="Session.KnowsItsPromptDigest"/>).
/// </summary>
public sealed record TranscriptContext(string? Agent, string Model, string? SystemPrompt, string? StoredPrompt = null);

/// <summary>
/// The messages a rewind removes, summed by the database: over all of them, over those not yet
/// compacted, and what remains of the transcript's tail once they are gone.
/// </summary>
public sealed record RewindPlan(
    long TargetSeq,
    MessageRole TargetRole,
    bool TargetCompacted,
    string TargetContent,
    UsageTotals Removed,
    UsageTotals RemovedCurrent,
    long? LastGenerationInputTokensAfter,
    DateTime? LastGenerationAtAfter,
    DateTime? LastMessageAtAfter)
{
    /// <summary>
    /// The messages before the target that a removed compaction summary stood for: that compaction
    /// came after the target was written, so, as when the target was written, they are current again.
    /// </summary>
    public UsageTotals Restored { get; init; } = UsageTotals.Zero;
}
