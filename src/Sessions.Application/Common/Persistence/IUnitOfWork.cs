namespace Sessions.Application.Common.Persistence;

/// <summary>
/// Runs one command in one database transaction: the work, then (when the commit predicate says
/// so) the domain events into the outbox, SaveChanges and commit; otherwise a rollback. The
/// transaction opens when the command first needs to write: at once when <c>writeAtOnce</c>,
/// else when the work calls <see cref="BeginWriteAsync"/> or leaves changes to save.
/// </summary>
public interface IUnitOfWork
{
    Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Func<T, bool> commit, bool writeAtOnce, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the write transaction of a command about one session now, if it is not open yet,
    /// after this process's earlier writers to the same session, in the order they came: loads
    /// that follow hold their rows until the command ends (and on SQLite, the process's single
    /// writer turn).
    /// </summary>
    Task BeginWriteAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the command runs again after it lost a race (its save found the session changed
    /// since it loaded it): a command that loaded without a lock loads under it this time, so it
    /// loses at most one race.
    /// </summary>
    bool Rerunning { get; }
}
