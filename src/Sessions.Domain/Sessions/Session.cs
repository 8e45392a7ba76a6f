using System.Globalization;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Domain.Sessions;

/// <summary>
/// An agent chat session: its descriptive fields, its lifecycle stamps (archived, pinned, shared,
/// frozen) and exact usage rollups of its transcript. Every state change goes through a method
/// that guards the rules, bumps <see cref="Version"/> and raises a domain event.
/// </summary>
public sealed class Session : AggregateRoot
{
    /// <summary>
    /// The label rows, when they are at hand: a session made by <see cref="Create"/> has them, and
    /// one loaded for a change of its labels; one loaded for any other change has not (null).
    /// </summary>
    private List<SessionLabel>? _labels;

    // Stryker disable all : the constructor EF Core materializes rows with; every value set here is overwritten from the row
    private Session()
    {
        Model = string.Empty;
        LabelMap = SessionLabel.NoLabels;
        TotalUsage = UsageTotals.Zero;
        CurrentUsage = UsageTotals.Zero;
    }
    // Stryker restore all

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The owner.</summary>
    public Guid UserId { get; private set; }

    public string? Title { get; private set; }

    public string Model { get; private set; }

    public string? Agent { get; private set; }

    /// <summary>
    /// The digest of the stored system prompt (<see cref="SessionPrompt.DigestOf"/>): null while none
    /// is stored, <see cref="SessionPrompt.UnknownDigest"/> for a prompt stored before sessions kept
    /// digests where the migration could not compute one. Whenever it moves, the prompt sent is what
    /// is to be stored.
    /// </summary>
    public string? SystemPromptDigest { get; private set; }

    /// <summary>Whether a prompt sent can be told from the stored one by the digest alone; if not, the context carries the stored text.</summary>
    public bool KnowsItsPromptDigest => SystemPromptDigest != SessionPrompt.UnknownDigest;

    public SessionOrigin Origin { get; private set; }

    public SessionVisibility Visibility { get; private set; }

    /// <summary>
    /// The labels as one row per value, what listings filter by. Loaded only with a session whose
    /// labels a command changes (the rows it replaces): <see cref="LabelMap"/> is the labels to
    /// answer and to count with.
    /// </summary>
    public IReadOnlyList<SessionLabel> Labels => _labels ?? throw LabelRowsNotLoaded();

    /// <summary>
    /// The labels as the client gave them (<see cref="SessionLabel.ToMap"/> of <see cref="Labels"/>:
    /// keys in the order of their first value, duplicate values dropped), kept with the session's
    /// own fields so that a read answers with them without reading the rows. Set with the rows,
    /// never changed in place.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> LabelMap { get; private set; }

    /// <summary>The message count the client declares; the stored count is in <see cref="TotalUsage"/>.</summary>
    public int MessageCount { get; private set; }

    public string? PreviewText { get; private set; }

    /// <summary>The seq of the message <see cref="PreviewText"/> was taken from.</summary>
    public long? PreviewSeq { get; private set; }

    public Guid? ProjectId { get; private set; }

    public Guid? RuntimeId { get; private set; }

    public Guid? GroupId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? LastMessageAt { get; private set; }

    public DateTime? ArchivedAt { get; private set; }

    public DateTime? PinnedAt { get; private set; }

    public DateTime? FrozenAt { get; private set; }

    public FrozenBy? FrozenBy { get; private set; }

    public Guid? SharedBy { get; private set; }

    public DateTime? SharedAt { get; private set; }

    /// <summary>The highest <c>seq</c> ever assigned; the next message gets one more.</summary>
    public long LastSeq { get; private set; }

    public UsageTotals TotalUsage { get; private set; }

    public UsageTotals CurrentUsage { get; private set; }

    public long? LastGenerationInputTokens { get; private set; }

    /// <summary>When the message that carried <see cref="LastGenerationInputTokens"/> was stored: a group's latest generation is its sessions' newest.</summary>
    public DateTime? LastGenerationAt { get; private set; }

    /// <summary>Grows by one with every change; the database checks it on update and it is the ETag.</summary>
    public long Version { get; private set; }

    public bool IsFrozen => FrozenAt is not null;

    public static Session Create(NewSession spec, Guid workspaceId, Guid ownerId, DateTime now)
    {
        var session = new Session
        {
            Id = spec.Id,
            WorkspaceId = workspaceId,
            UserId = ownerId,
            Title = spec.Title,
            Model = spec.Model,
            Agent = AgentOrNone(spec.Agent),
            Origin = spec.Origin,
            MessageCount = spec.MessageCount,
            ProjectId = spec.ProjectId,
            RuntimeId = spec.RuntimeId,
            GroupId = spec.GroupId,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            _labels = [],
        };
        session.SetLabels(spec.Labels);
        if (spec.Visibility == SessionVisibility.Workspace)
        {
            session.Visibility = SessionVisibility.Workspace;
            session.SharedBy = ownerId;
            session.SharedAt = now;
        }

        session.Raise(new SessionCreated(session.Id, workspaceId, ownerId, now));
        if (session.Visibility == SessionVisibility.Workspace)
        {
            // Shared from its first moment: the trail says so as a later share would.
            session.Raise(new SessionShared(session.Id, ownerId, now));
        }

        return session;
    }

    /// <summary>
    /// Freezes the session for good. Freezing a frozen session changes nothing and raises nothing,
    /// so the first freeze's time and author stay the evidence.
    /// </summary>
    public void Freeze(Guid actorId, FrozenBy by, DateTime now)
    {
        if (IsFrozen)
        {
            return;
        }

        FrozenAt = now;
        FrozenBy = by;
        Touch(now);
        Raise(new SessionFrozen(Id, WorkspaceId, actorId, by, now));
    }

    /// <summary>
    /// Applies the fields the client sent. Visibility only widens: private to workspace shares the
    /// session; workspace to private is a conflict and changes nothing at all. A frozen session
    /// keeps what records how its transcript came about (model, agent, message count, group):
    /// changing any of them is refused whole, and only its title, labels and visibility change
    /// here (CONTRACT 5.1).
    /// </summary>
    public Result Update(SessionChanges changes, Guid actorId, DateTime now)
    {
        if (changes.Visibility == SessionVisibility.Private && Visibility == SessionVisibility.Workspace)
        {
            return DomainErrors.SharedSessionCannotBecomePrivate;
        }

        if (IsFrozen && ChangesTheRecord(changes))
        {
            return DomainErrors.FrozenSessionKeepsItsRecord;
        }

        var relabelled = changes.Labels is { } labels && !SameLabels(labels) ? labels : null;
        if (relabelled is not null && _labels is null)
        {
            throw LabelRowsNotLoaded();
        }

        var changed = new List<string>();
        if (changes.Title is { } title && title != Title)
        {
            Title = title;
            changed.Add("title");
        }

        if (changes.Model is { } model && model != Model)
        {
            Model = model;
            changed.Add("model");
        }

        if (changes.Agent is { } sent && AgentOrNone(sent) is var agent && agent != Agent)
        {
            Agent = agent;
            changed.Add("agent");
        }

        if (relabelled is not null)
        {
            SetLabels(relabelled);
            changed.Add("labels");
        }

        if (changes.MessageCount is { } count && count != MessageCount)
        {
            MessageCount = count;
            changed.Add("message_count");
        }

        if (changes.GroupId is { } groupId && groupId != GroupId)
        {
            GroupId = groupId;
            changed.Add("group_id");
        }

        if (changed.Count > 0)
        {
            Touch(now);
            Raise(new SessionUpdated(Id, actorId, changed, now));
        }

        if (changes.Visibility == SessionVisibility.Workspace)
        {
            Share(actorId, now);
        }

        return Result.Success;
    }

    /// <summary>Makes the session visible to its workspace; sharing a shared session changes nothing.</summary>
    public void Share(Guid actorId, DateTime now)
    {
        if (Visibility == SessionVisibility.Workspace)
        {
            return;
        }

        Visibility = SessionVisibility.Workspace;
        SharedBy = actorId;
        SharedAt = now;
        Touch(now);
        Raise(new SessionShared(Id, actorId, now));
    }

    public void Archive(Guid actorId, DateTime now)
    {
        if (ArchivedAt is not null)
        {
            return;
        }

        ArchivedAt = now;
        Touch(now);
        Raise(new SessionArchived(Id, actorId, now));
    }

    public void Unarchive(Guid actorId, DateTime now)
    {
        if (ArchivedAt is null)
        {
            return;
        }

        ArchivedAt = null;
        Touch(now);
        Raise(new SessionUnarchived(Id, actorId, now));
    }

    public void Pin(Guid actorId, DateTime now)
    {
        if (PinnedAt is not null)
        {
            return;
        }

        PinnedAt = now;
        Touch(now);
        Raise(new SessionPinned(Id, actorId, now));
    }

    public void Unpin(Guid actorId, DateTime now)
    {
        if (PinnedAt is null)
        {
            return;
        }

        PinnedAt = null;
        Touch(now);
        Raise(new SessionUnpinned(Id, actorId, now));
    }

    /// <summary>
    /// Marks the session for deletion with its transcript. A session frozen by an evaluation is
    /// evidence and cannot be deleted; one frozen by a user can be, by its owner or an admin.
    /// </summary>
    public Result Delete(Guid actorId, DateTime now)
    {
        if (FrozenBy == Sessions.FrozenBy.Evaluation)
        {
            return DomainErrors.EvaluationEvidenceCannotBeDeleted;
        }

        Raise(new SessionDeleted(Id, WorkspaceId, actorId, now));
        return Result.Success;
    }

    /// <summary>
    /// Appends messages at the end of the transcript: seq numbers continue from the highest ever
    /// given, the rollups grow by exactly the new messages, and the preview and last-message time
    /// follow. A frozen transcript takes nothing, nor does one whose lifetime usage the messages
    /// would bring past what the databases store (refused whole, on every database alike).
    /// </summary>
    public Result<IReadOnlyList<SessionMessage>> AppendMessages(TranscriptContext? context, IReadOnlyList<MessageDraft> drafts, Guid actorId, DateTime now)
    {
        if (RefuseTranscriptChange() is { } refusal)
        {
            return refusal;
        }

        var messages = new List<SessionMessage>(drafts.Count);
        var added = UsageTotals.Zero;
        foreach (var draft in drafts)
        {
            var message = new SessionMessage(Id, LastSeq + messages.Count + 1, draft, now);
            messages.Add(message);
            added += UsageTotals.Of(message);
        }

        if (!TotalUsage.CanTake(added))
        {
            return DomainErrors.UsageBeyondWhatIsStored;
        }

        var changed = context is null ? [] : ApplyContext(context);
        LastSeq += messages.Count;
        TotalUsage += added;
        CurrentUsage += added;
        foreach (var message in messages)
        {
            if (message.Usage is { } usage)
            {
                LastGenerationInputTokens = usage.InputTokens;
                LastGenerationAt = message.CreatedAt;
            }

            if (PreviewSeq is null && message.Role == MessageRole.User)
            {
                PreviewText = Preview(message.Content);
                PreviewSeq = message.Seq;
            }
        }

        if (changed.Count > 0)
        {
            Raise(new SessionUpdated(Id, actorId, changed, now));
        }

        if (messages.Count > 0)
        {
            LastMessageAt = now;
            Raise(new TranscriptAppended(Id, actorId, messages[0].Seq, messages[^1].Seq, now));
        }

        if (messages.Count > 0 || changed.Count > 0)
        {
            Touch(now);
        }

        return messages;
    }

    /// <summary>
    /// Whether <see cref="Update"/> with these changes would leave the session as it is (and refuse
    /// nothing): every field sent already holds its value, and a visibility sent is the session's.
    /// </summary>
    public bool IsUnchangedBy(SessionChanges changes) =>
        !ChangesTheRecord(changes)
        && (changes.Title is null || changes.Title == Title)
        && (changes.Labels is null || SameLabels(changes.Labels))
        && (changes.Visibility is null || changes.Visibility == Visibility);

    private bool ChangesTheRecord(SessionChanges changes) =>
        (changes.Model is { } model && model != Model)
        || (changes.Agent is { } agent && AgentOrNone(agent) != Agent)
        || (changes.MessageCount is { } count && count != MessageCount)
        || (changes.GroupId is { } groupId && groupId != GroupId);

    /// <summary>
    /// An empty agent is no agent: agents are known by name to the facets and to the list's filter
    /// (whose values are never empty), and exports name a session without one <c>unknown</c>. So an
    /// empty agent sent in a change or a context clears it.
    /// </summary>
    private static string? AgentOrNone(string? agent) => string.IsNullOrEmpty(agent) ? null : agent;

    /// <summary>Takes the agent, model and system prompt an append's context gives; answers the fields that changed (a context that changes nothing changes nothing).</summary>
    private List<string> ApplyContext(TranscriptContext context)
    {
        var changed = new List<string>();
        var sentPrompt = context.SystemPrompt is { } prompt ? (Digest: SessionPrompt.DigestOf(prompt), Stored: StoredPromptDigest(context)) : default;
        if (context.Agent is { } sent && AgentOrNone(sent) is var agent && agent != Agent)
        {
            Agent = agent;
            changed.Add("agent");
        }

        if (context.Model != Model)
        {
            Model = context.Model;
            changed.Add("model");
        }

        if (sentPrompt.Digest is not null)
        {
            if (sentPrompt.Digest != sentPrompt.Stored)
            {
                changed.Add("system_prompt");
                SystemPromptDigest = sentPrompt.Digest;
            }
            else if (!KnowsItsPromptDigest)
            {
                SystemPromptDigest = sentPrompt.Digest;
            }
        }

        return changed;
    }

    /// <summary>
    /// The digest of the stored prompt: the empty prompt's while none is stored; computed from the
    /// stored text the context must carry where the session does not know it.
    /// </summary>
    private string StoredPromptDigest(TranscriptContext context) => SystemPromptDigest switch
    {
        null => SessionPrompt.EmptyDigest,
        SessionPrompt.UnknownDigest => SessionPrompt.DigestOf(context.StoredPrompt
            ?? throw new ArgumentException("A context that sends a system prompt to a session that does not know its prompt's digest carries the stored prompt.", nameof(context))),
        var known => known,
    };

    /// <summary>
    /// Compacts the transcript up to <paramref name="upToSeq"/> without deleting anything: the
    /// compacted messages, whose sums the database gives as <paramref name="compacted"/>, leave the
    /// current era; the summary is appended as a new message.
    /// </summary>
    public Result<SessionMessage> Compact(long upToSeq, UsageTotals compacted, MessageDraft summary, Guid actorId, DateTime now)
    {
        if (RefuseCompaction(upToSeq) is { } refusal)
        {
            return refusal;
        }

        var appended = AppendMessages(null, [summary], actorId, now);
        if (!appended.IsSuccess)
        {
            return appended.Error;
        }

        var written = appended.Value[0];
        written.MarkAsSummaryOf(upToSeq);
        CurrentUsage -= compacted;
        Raise(new TranscriptCompacted(Id, actorId, upToSeq, compacted.MessageCount, written.Seq, now));
        return written;
    }

    /// <summary>
    /// Removes the target user message and everything after it, and undoes the compactions whose
    /// summaries go with them (their messages are current again). Only user-started sessions
    /// rewind, never frozen ones, and only to a user message still in the current era.
    /// </summary>
    public Result Rewind(RewindPlan plan, Guid actorId, DateTime now)
    {
        if (RefuseRewind() is { } refusal)
        {
            return refusal;
        }

        if (plan.TargetRole != MessageRole.User || plan.TargetCompacted)
        {
            return DomainErrors.RewindTargetNotAUserMessage;
        }

        TotalUsage -= plan.Removed;
        CurrentUsage = CurrentUsage - plan.RemovedCurrent + plan.Restored;
        LastGenerationInputTokens = plan.LastGenerationInputTokensAfter;
        LastGenerationAt = plan.LastGenerationAtAfter;
        LastMessageAt = plan.LastMessageAtAfter;
        if (PreviewSeq >= plan.TargetSeq)
        {
            PreviewText = null;
            PreviewSeq = null;
        }

        Touch(now);
        Raise(new TranscriptRewound(Id, actorId, plan.TargetSeq, plan.Removed.MessageCount, now));
        return Result.Success;
    }

    /// <summary>
    /// Records an item the run produced. A dedupe key names one item per session: when
    /// <paramref name="sameKey"/> (the item already stored under the draft's key) is given, it is the
    /// answer and nothing is recorded, so a retry is harmless even once the session is frozen.
    /// Otherwise a frozen session is evidence and takes no new items. The session's fields do not
    /// change (items are what it produced, not what it is), but its version does: a change stamped
    /// before this item was recorded and saved after it (a freeze loaded without the write lock,
    /// ADR 0031) then fails its version check and runs again with a later time, so no item is
    /// dated after the freeze of the session it was recorded in and the trail keeps commit order.
    /// </summary>
    public Result<ItemRecording> RecordItem(ItemDraft draft, SessionItem? sameKey, Guid organizationId, Guid actorId, DateTime now)
    {
        if (sameKey is not null)
        {
            if (sameKey.SessionId != Id || draft.DedupeKey is null || sameKey.DedupeKey != draft.DedupeKey)
            {
                throw new ArgumentException("The stored item must be this session's item under the draft's dedupe key.", nameof(sameKey));
            }

            return new ItemRecording(sameKey, Created: false);
        }

        if (IsFrozen)
        {
            return DomainErrors.FrozenSessionTakesNoItems;
        }

        var item = new SessionItem(Id, organizationId, draft, actorId, now);
        Version++;
        Raise(new SessionItemRecorded(Id, actorId, item.Id, item.ItemType, now));
        return new ItemRecording(item, Created: true);
    }

    /// <summary>Why the transcript cannot change now (it is frozen), or null.</summary>
    public Error? RefuseTranscriptChange() => IsFrozen ? DomainErrors.SessionAlreadyFrozen : null;

    /// <summary>Why a compaction up to <paramref name="upToSeq"/> cannot happen, or null.</summary>
    public Error? RefuseCompaction(long upToSeq) =>
        RefuseTranscriptChange()
        ?? (upToSeq < 1 || upToSeq > LastSeq
            ? DomainErrors.CompactionOutsideTheTranscript(LastSeq)
            : null);

    /// <summary>Why the session cannot be rewound at all (frozen, or not a user session), or null.</summary>
    public Error? RefuseRewind() =>
        RefuseTranscriptChange()
        ?? (Origin != SessionOrigin.User
            ? DomainErrors.RewindNeedsAUserSession(Origin.ToString().ToLowerInvariant())
            : null);

    /// <summary>The start of <paramref name="content"/> in at most <see cref="FieldLimits.Preview"/> UTF-16 units, never cutting a character in half.</summary>
    private static string Preview(string content)
    {
        if (content.Length <= FieldLimits.Preview)
        {
            return content;
        }

        // Whole characters as a reader sees them (a letter with its accents, an emoji sequence),
        // as many as fit: the content is longer than the preview, so one does not.
        var length = 0;
        while (length + StringInfo.GetNextTextElementLength(content, length) is var end && end <= FieldLimits.Preview)
        {
            length = end;
        }

        // A first one longer than the whole preview is cut between code points.
        return length > 0 ? content[..length] : content[..(char.IsHighSurrogate(content[FieldLimits.Preview - 1]) ? FieldLimits.Preview - 1 : FieldLimits.Preview)];
    }

    /// <summary>
    /// Whether the map is the one the session has: the same keys, each with the same values in the
    /// same order. The keys' order is not compared (a JSON object's members have none, and clients
    /// that sort their maps send them in another order than they were first given).
    /// </summary>
    private bool SameLabels(IReadOnlyDictionary<string, IReadOnlyList<string>> labels) =>
        LabelMap.Count == labels.Count
        && labels.All(pair => LabelMap.TryGetValue(pair.Key, out var values) && values.SequenceEqual(pair.Value.Distinct(StringComparer.Ordinal), StringComparer.Ordinal));

    /// <summary>Replaces the rows and the map; the session's rows must be at hand (<see cref="Update"/> checks), or the old ones would stay beside the new.</summary>
    private void SetLabels(IReadOnlyDictionary<string, IReadOnlyList<string>> labels)
    {
        _labels = SessionLabel.FromMap(labels);
        LabelMap = SessionLabel.ToMap(_labels);
    }

    /// <summary>
    /// The time a change made at <paramref name="now"/> is stamped with: <paramref name="now"/>, or a
    /// microsecond after the session's last change when the clock reads no later (another
    /// instance's clock behind the one that made it), so that a session's times, its messages' and
    /// its events' never go back and no two of its changes share an instant.
    /// </summary>
    public DateTime StampAfter(DateTime now) => now > UpdatedAt ? now : UpdatedAt.AddTicks(TimeSpan.TicksPerMicrosecond);

    private static InvalidOperationException LabelRowsNotLoaded() =>
        new("The session's label rows were not loaded: load it with them to change its labels.");

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}
