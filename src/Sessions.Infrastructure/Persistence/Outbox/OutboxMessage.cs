namespace Sessions.Infrastructure.Persistence.Outbox;

/// <summary>
/// A domain event as stored in the same transaction as the change that raised it: the audit
/// trail of what happened, and the queue from which effects outside the database leave later.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; }

    public Guid AggregateId { get; init; }

    /// <summary>The event's name, e.g. <c>SessionFrozen</c>.</summary>
    public required string Type { get; init; }

    public required string Payload { get; init; }

    public DateTime OccurredAt { get; init; }

    /// <summary>The event's place among those saved with it (0, 1, ...): events of one change keep the order they were raised in.</summary>
    public int Ordinal { get; init; }

    /// <summary>The user who caused the event, when one did.</summary>
    public Guid? ActorId { get; init; }

    /// <summary>
    /// For a session's event, the creation time of the session that raised it: which life of its
    /// id (ids are the clients', and a deleted one may be taken again) the event is of, whatever
    /// the clocks of the instances that stamped it. Null for other aggregates' events and for
    /// events stored before it was kept (ADR 0044).
    /// </summary>
    public DateTime? LifeCreatedAt { get; init; }

    public DateTime? ProcessedAt { get; set; }
}
