using System.Globalization;
using Sessions.Domain.Sessions;

namespace Sessions.Domain.Common;

/// <summary>
/// The rules the aggregates refuse by, each under its own name. They speak of the domain only:
/// which input of a request a rule concerns, and how that is written on the wire, is the API's to say.
/// </summary>
public static class DomainErrors
{
    /// <summary>A frozen session's transcript is evidence: no append, compaction or rewind.</summary>
    public static Error SessionAlreadyFrozen { get; } =
        Named(ErrorType.SessionFrozen, "The session is frozen: its transcript can no longer change.", nameof(SessionAlreadyFrozen));

    /// <summary>A frozen session keeps its model, agent, message count and group; its title, labels, visibility, pin and archive still change.</summary>
    public static Error FrozenSessionKeepsItsRecord { get; } =
        Named(ErrorType.SessionFrozen, "The session is frozen: its model, agent, message count and group stay as they are; only its title, labels, visibility, pin and archive can change.", nameof(FrozenSessionKeepsItsRecord));

    /// <summary>A frozen session records no new item (a retry of a stored one is still answered).</summary>
    public static Error FrozenSessionTakesNoItems { get; } =
        Named(ErrorType.SessionFrozen, "The session is frozen: it takes no new items.", nameof(FrozenSessionTakesNoItems));

    /// <summary>A session frozen by an evaluation is evidence and stays.</summary>
    public static Error EvaluationEvidenceCannotBeDeleted { get; } =
        Named(ErrorType.SessionFrozen, "The session was frozen by an evaluation and cannot be deleted.", nameof(EvaluationEvidenceCannotBeDeleted));

    /// <summary>Sharing only widens: a session shared with its workspace stays shared.</summary>
    public static Error SharedSessionCannotBecomePrivate { get; } =
        Named(ErrorType.Conflict, "A shared session cannot be made private again.", nameof(SharedSessionCannotBecomePrivate));

    /// <summary>A rewind goes back to a user message of the current era.</summary>
    public static Error RewindTargetNotAUserMessage { get; } =
        Named(ErrorType.Validation, "must be the seq of a user message that is not compacted", nameof(RewindTargetNotAUserMessage));

    /// <summary>A finished group keeps the status it finished with.</summary>
    public static Error GroupAlreadyFinished(string status) =>
        Named(ErrorType.Conflict, $"The group is {status}: a finished group keeps its status.", nameof(GroupAlreadyFinished));

    /// <summary>Only sessions a user started can be rewound.</summary>
    public static Error RewindNeedsAUserSession(string origin) =>
        Named(ErrorType.Conflict, $"Only sessions of origin 'user' can be rewound; this one is '{origin}'.", nameof(RewindNeedsAUserSession));

    /// <summary>A session's lifetime usage stays within what the databases store, the same on every one.</summary>
    public static Error UsageBeyondWhatIsStored { get; } =
        Named(
            ErrorType.Conflict,
            string.Create(CultureInfo.InvariantCulture, $"These messages would bring the session's lifetime usage past what the service stores (a cost of {UsageTotals.MaxCostUsd:N10} USD, {long.MaxValue:N0} tokens of a kind): record further usage in a new session."),
            nameof(UsageBeyondWhatIsStored));

    /// <summary>A compaction ends at a message of the transcript.</summary>
    public static Error CompactionOutsideTheTranscript(long lastSeq) =>
        Named(
            ErrorType.Validation,
            lastSeq == 0 ? "the transcript is empty" : $"must be between 1 and {lastSeq}, the transcript's last seq",
            nameof(CompactionOutsideTheTranscript));

    /// <summary>
    /// A compaction's summary takes an id of its own: an id the session's transcript already holds
    /// is a retry only when it names the summary of the same compaction.
    /// </summary>
    public static Error SummaryIdTaken(long seq, long? summaryUpToSeq) =>
        Named(
            ErrorType.AlreadyExists,
            summaryUpToSeq is { } upTo
                ? $"The summary's id is already the summary of the compaction up to seq {upTo} (message seq {seq}); a compaction up to another seq needs a summary with an id of its own."
                : $"The summary's id is already message seq {seq} of this session, which is no compaction's summary; give the summary an id of its own.",
            nameof(SummaryIdTaken));

    private static Error Named(ErrorType type, string message, string code) =>
        new(type, message) { Code = code };
}
