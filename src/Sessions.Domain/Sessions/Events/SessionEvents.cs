using Sessions.Domain.Common;

namespace Sessions.Domain.Sessions.Events;

public sealed record SessionCreated(Guid AggregateId, Guid WorkspaceId, Guid UserId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionFrozen(Guid AggregateId, Guid WorkspaceId, Guid ActorId, FrozenBy FrozenBy, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionUpdated(Guid AggregateId, Guid ActorId, IReadOnlyList<string> Fields, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionShared(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionArchived(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionUnarchived(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionPinned(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionUnpinned(Guid AggregateId, Guid ActorId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionDeleted(Guid AggregateId, Guid WorkspaceId, Guid ActorId, DateTime OccurredAt) : IDomainEvent;

public sealed record TranscriptAppended(Guid AggregateId, Guid ActorId, long FirstSeq, long LastSeq, DateTime OccurredAt) : IDomainEvent;

public sealed record TranscriptCompacted(Guid AggregateId, Guid ActorId, long UpToSeq, long CompactedCount, long SummarySeq, DateTime OccurredAt) : IDomainEvent;

public sealed record TranscriptRewound(Guid AggregateId, Guid ActorId, long TargetSeq, long DeletedCount, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionItemRecorded(Guid AggregateId, Guid ActorId, Guid ItemId, string ItemType, DateTime OccurredAt) : IDomainEvent;
