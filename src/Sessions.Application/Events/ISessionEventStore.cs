namespace Sessions.Application.Events;

/// <summary>A domain event as stored with the change that raised it: its type, time, acting user (when known) and data (a JSON object).</summary>
public sealed record StoredEvent(Guid Id, string Type, DateTime OccurredAt, Guid? ActorId, string DataJson);

/// <summary>The stored domain events of sessions, oldest first.</summary>
public interface ISessionEventStore
{
    /// <summary>
    /// The session's events after the event <paramref name="afterId"/> (from the first when null), at
    /// most <paramref name="take"/>; null when <paramref name="afterId"/> is not an event of this session.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>?> PageAsync(Guid sessionId, Guid? afterId, int take, CancellationToken cancellationToken);

    /// <summary>The workspace a deleted session belonged to, from its <c>SessionDeleted</c> event; null when the session was never deleted.</summary>
    Task<Guid?> DeletedFromWorkspaceAsync(Guid sessionId, CancellationToken cancellationToken);
}
