using Sessions.Domain.Common;

namespace Sessions.Domain.Organizations.Events;

public sealed record OrganizationCreated(Guid AggregateId, string Slug, DateTime OccurredAt) : IDomainEvent;

public sealed record WorkspaceCreated(Guid AggregateId, Guid OrganizationId, string Slug, DateTime OccurredAt) : IDomainEvent;

public sealed record MemberRoleSet(Guid AggregateId, Guid UserId, WorkspaceRole Role, DateTime OccurredAt) : IDomainEvent;

public sealed record MemberRemoved(Guid AggregateId, Guid UserId, DateTime OccurredAt) : IDomainEvent;
