namespace Sessions.Application.Events;

/// <summary>A domain event as stored with the change that raised it: its type, time, acting user (when known) and data (a JSON object).</summary>
public sealed record StoredEvent(Guid Id, string Type, DateTime OccurredAt, Guid? ActorId, string DataJson);

/// <summary>The stored domain events of sessions, oldest first.</summary>
public interface ISessionEventStore
{
    /// <summary>The session's events after <paramref name="afterId"/> (ids grow with time), at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> PageAsync(Guid sessionId, Guid? afterId, int take, CancellationToken cancellationToken);
}
