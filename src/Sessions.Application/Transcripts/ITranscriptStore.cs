using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>
/// Transcript rows, used by commands while they hold the session's lock: whatever they read or
/// change here is consistent with the session they loaded.
/// </summary>
public interface ITranscriptStore
{
    /// <summary>
    /// The session's messages with these ids (for idempotent retries), read no further than the
    /// one whose text (<see cref="MessagesRead.TextOf(SessionMessage)"/>) takes theirs past
    /// <paramref name="maxText"/>: what is read of them is held whole.
    /// </summary>
    Task<IReadOnlyList<SessionMessage>> FindByIdsAsync(SessionLifeKey session, IReadOnlyCollection<Guid> ids, long maxText, CancellationToken cancellationToken);

    void Add(IEnumerable<SessionMessage> messages);

    /// <summary>Marks the not-yet-compacted messages up to <paramref name="upToSeq"/> compacted, answering their sums.</summary>
    Task<UsageTotals> CompactAsync(Guid sessionId, long upToSeq, DateTime at, CancellationToken cancellationToken);

    /// <summary>What rewinding to <paramref name="fromSeq"/> would remove, or null when no message has that seq.</summary>
    Task<RewindPlan?> PlanRewindAsync(Guid sessionId, long fromSeq, CancellationToken cancellationToken);

    /// <summary>Deletes the message at <paramref name="fromSeq"/> and every later one, bringing back the messages a deleted compaction summary stood for.</summary>
    Task DeleteFromAsync(Guid sessionId, long fromSeq, CancellationToken cancellationToken);
}

/// <summary>
/// Messages as a read answered them: at most the number asked, fewer when the next message would
/// have taken their text past <see cref="MaxText"/> (<see cref="EndedAtTextBudget"/>: more follow). A page of
/// messages is held whole while it is written, so its text is what bounds its memory: a message
/// holds up to 2 Mi characters of content besides its metadata and tool arguments.
/// </summary>
public sealed record MessagesRead(IReadOnlyList<MessageView> Messages, bool EndedAtTextBudget)
{
    /// <summary>The text one read holds at most before it ends (in characters): four of the largest messages.</summary>
    public const long MaxText = 8L * 1024 * 1024;

    /// <summary>Whether messages follow these, read as <paramref name="asked"/> at most: as many came as asked, or the text budget ended the read.</summary>
    public bool MoreAfter(int asked) => Messages.Count >= asked || EndedAtTextBudget;

    /// <summary>A message's text as a read counts it: its content, metadata and tool calls' arguments.</summary>
    public static long TextOf(SessionMessage message) =>
        TextOf(message.Content, message.MetadataJson, message.ToolCalls.Select(call => call.ArgumentsJson));

    /// <summary>The text of a message's parts, stored or sent, counted one way: what is left out counts nothing.</summary>
    public static long TextOf(string? content, string? metadataJson, IEnumerable<string?> toolArguments) =>
        (content?.Length ?? 0L) + (metadataJson?.Length ?? 0) + toolArguments.Sum(arguments => (long)(arguments?.Length ?? 0));
}

/// <summary>
/// A transcript at one moment of its session: its last seq then, and the session's last change
/// then (<see cref="Session.UpdatedAt"/>), which a later compaction's stamp is always after.
/// </summary>
public sealed record TranscriptAsOf(long LastSeq, DateTime Changed);

/// <summary>The read side of transcripts.</summary>
public interface ITranscriptReadStore
{
    /// <summary>Messages of the session's life after <paramref name="afterSeq"/> in seq order, at most <paramref name="take"/> and <see cref="MessagesRead.MaxText"/>.</summary>
    Task<MessagesRead> PageAsync(SessionLifeKey session, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken);

    /// <summary>
    /// A page as <see cref="PageAsync"/> reads it, of the transcript as it was at <paramref name="asOf"/>:
    /// no message after its last seq, and messages compacted since counted current.
    /// </summary>
    Task<MessagesRead> PageAsOfAsync(SessionLifeKey session, TranscriptAsOf asOf, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken);

    /// <summary>Messages of the session's life whose content contains <paramref name="text"/>, any case, read as a page is; and how many match in all.</summary>
    Task<(MessagesRead Matches, long Total)> SearchAsync(SessionLifeKey session, string text, long afterSeq, int take, bool includeCompacted, CancellationToken cancellationToken);
}
