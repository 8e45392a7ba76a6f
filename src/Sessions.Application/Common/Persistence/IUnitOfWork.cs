namespace Sessions.Application.Common.Persistence;

/// <summary>
/// Runs one command in one database transaction: the work, then (when the commit predicate
/// says so) the domain events into the outbox, SaveChanges and commit; otherwise a rollback.
/// </summary>
public interface IUnitOfWork
{
    Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Func<T, bool> commit, CancellationToken cancellationToken);
}
