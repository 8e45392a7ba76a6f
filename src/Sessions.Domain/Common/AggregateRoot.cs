namespace Sessions.Domain.Common;

/// <summary>
/// Base of every aggregate: it alone may raise its domain events, which the unit of work
/// stores in the outbox in the same transaction as the change.
/// </summary>
public abstract class AggregateRoot
{
    private readonly List<IDomainEvent> _domainEvents = [];

    public IReadOnlyList<IDomainEvent> DomainEvents => _domainEvents;

    protected void Raise(IDomainEvent domainEvent) => _domainEvents.Add(domainEvent);

    public void ClearDomainEvents() => _domainEvents.Clear();
}
