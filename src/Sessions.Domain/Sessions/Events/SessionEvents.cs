using Sessions.Domain.Common;

namespace Sessions.Domain.Sessions.Events;

/// <summary>An event of a session: what its audit trail holds (other aggregates' events share the outbox).</summary>
public interface ISessionEvent : IActorEvent;

/// <summary>The session's owner created it.</summary>
public sealed record SessionCreated(Guid AggregateId, Guid WorkspaceId, Guid UserId, DateTime OccurredAt) : ISessionEvent
{
    public Guid ActorId => UserId;
}

public sealed record SessionFrozen(Guid AggregateId, Guid WorkspaceId, Guid ActorId, FrozenBy FrozenBy, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionUpdated(Guid AggregateId, Guid ActorId, IReadOnlyList<string> Fields, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionShared(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionArchived(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionUnarchived(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionPinned(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionUnpinned(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionDeleted(Guid AggregateId, Guid WorkspaceId, Guid ActorId, DateTime OccurredAt) : ISessionEvent;

public sealed record TranscriptAppended(Guid AggregateId, Guid ActorId, long FirstSeq, long LastSeq, DateTime OccurredAt) : ISessionEvent;

public sealed record TranscriptCompacted(Guid AggregateId, Guid ActorId, long UpToSeq, long CompactedCount, long SummarySeq, DateTime OccurredAt) : ISessionEvent;

public sealed record TranscriptRewound(Guid AggregateId, Guid ActorId, long TargetSeq, long DeletedCount, DateTime OccurredAt) : ISessionEvent;

public sealed record SessionItemRecorded(Guid AggregateId, Guid ActorId, Guid ItemId, string ItemType, DateTime OccurredAt) : ISessionEvent;
