using Sessions.Domain.Common;

namespace Sessions.Domain.Sessions.Events;

public sealed record SessionCreated(Guid AggregateId, Guid WorkspaceId, Guid UserId, DateTime OccurredAt) : IDomainEvent;

public sealed record SessionFrozen(Guid AggregateId, Guid WorkspaceId, Guid ActorId, FrozenBy FrozenBy, DateTime OccurredAt) : IDomainEvent;
