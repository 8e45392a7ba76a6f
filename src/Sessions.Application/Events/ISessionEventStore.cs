namespace Sessions.Application.Events;

/// <summary>A domain event as stored with the change that raised it: its type, time, acting user (when known) and data (a JSON object).</summary>
public sealed record StoredEvent(Guid Id, string Type, DateTime OccurredAt, Guid? ActorId, string DataJson);

/// <summary>
/// One life of a session id: its events from its creation (<see cref="From"/>, the session's
/// <c>created_at</c>) to its deletion (<see cref="To"/>, null while it lives). A deleted session's
/// id may be taken again, by anyone; each life keeps its own trail, and no life shows another's
/// events: an event carries the creation time of the life it is of, whatever the clock of the
/// instance that stamped it (ADR 0044); one stored before events carried it is of the life whose
/// span holds it.
/// </summary>
public sealed record SessionLife(DateTime From, DateTime? To)
{
    /// <summary>Whether an event at <paramref name="occurredAt"/> that carries no life falls within this one's span.</summary>
    public bool Holds(DateTime occurredAt) => occurredAt >= From && (To is null || occurredAt <= To);

    /// <summary>
    /// The life of the session a read found, created at <paramref name="createdAt"/>: open-ended, as
    /// the read saw it living; a session created again under its id since is another life, whose
    /// events are not this one's.
    /// </summary>
    public static SessionLife Living(DateTime createdAt) => new(createdAt, null);
}

/// <summary>The stored domain events of sessions, oldest first.</summary>
public interface ISessionEventStore
{
    /// <summary>
    /// The events of these lives of the session id (in the order given, each oldest first) after the event
    /// <paramref name="afterId"/> (from the first when null), at most <paramref name="take"/>; null
    /// when <paramref name="afterId"/> is not an event of one of those lives.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>?> PageAsync(Guid sessionId, IReadOnlyList<SessionLife> lives, Guid? afterId, int take, CancellationToken cancellationToken);

    /// <summary>Every life of the id that a deletion from this workspace ended, in the order of those deletions; none when none did.</summary>
    Task<IReadOnlyList<SessionLife>> DeletedFromWorkspaceAsync(Guid sessionId, Guid workspaceId, CancellationToken cancellationToken);
}
