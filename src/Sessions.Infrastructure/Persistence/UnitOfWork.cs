using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Persistence;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// One transaction per command. A lost optimistic-concurrency race (the session's version changed
/// under us) reruns the whole command on fresh state, a bounded number of times.
/// </summary>
internal sealed class UnitOfWork(SessionsDbContext db) : IUnitOfWork
{
    private const int MaxAttempts = 3;

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, Func<T, bool> commit, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(work, commit, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<T> RunOnceAsync<T>(Func<CancellationToken, ValueTask<T>> work, Func<T, bool> commit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(cancellationToken);
        if (!commit(result))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return result;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
