namespace Sessions.Domain.Common;

/// <summary>Something that happened to an aggregate, named in the past tense.</summary>
public interface IDomainEvent
{
    Guid AggregateId { get; }

    DateTime OccurredAt { get; }
}

/// <summary>An event caused by a user: who acted is part of the record (the audit trail shows them).</summary>
public interface IActorEvent : IDomainEvent
{
    Guid ActorId { get; }
}
