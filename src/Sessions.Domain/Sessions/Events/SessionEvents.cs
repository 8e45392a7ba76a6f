using Sessions.Domain.Common;

namespace Sessions.Domain.Sessions.Events;

/// <summary>The session's owner created it.</summary>
public sealed record SessionCreated(Guid AggregateId, Guid WorkspaceId, Guid UserId, DateTime OccurredAt) : IActorEvent
{
    public Guid ActorId => UserId;
}

public sealed record SessionFrozen(Guid AggregateId, Guid WorkspaceId, Guid ActorId, FrozenBy FrozenBy, DateTime OccurredAt) : IActorEvent;

public sealed record SessionUpdated(Guid AggregateId, Guid ActorId, IReadOnlyList<string> Fields, DateTime OccurredAt) : IActorEvent;

public sealed record SessionShared(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IActorEvent;

public sealed record SessionArchived(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IActorEvent;

public sealed record SessionUnarchived(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IActorEvent;

public sealed record SessionPinned(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IActorEvent;

public sealed record SessionUnpinned(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IActorEvent;

public sealed record SessionDeleted(Guid AggregateId, Guid WorkspaceId, Guid ActorId, DateTime OccurredAt) : IActorEvent;

public sealed record TranscriptAppended(Guid AggregateId, Guid ActorId, long FirstSeq, long LastSeq, DateTime OccurredAt) : IActorEvent;

public sealed record TranscriptCompacted(Guid AggregateId, Guid ActorId, long UpToSeq, long CompactedCount, long SummarySeq, DateTime OccurredAt) : IActorEvent;

public sealed record TranscriptRewound(Guid AggregateId, Guid ActorId, long TargetSeq, long DeletedCount, DateTime OccurredAt) : IActorEvent;

public sealed record SessionItemRecorded(Guid AggregateId, Guid ActorId, Guid ItemId, string ItemType, DateTime OccurredAt) : IActorEvent;
