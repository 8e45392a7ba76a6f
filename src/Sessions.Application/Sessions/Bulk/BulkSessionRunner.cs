using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Bulk;

/// <summary>
/// Runs one action over many sessions: loads every visible session of the batch with one query,
/// applies the action to each in memory, and reports per id. One bad id never fails the batch.
/// The action's time is taken once the sessions are locked, so what it records comes after what
/// the writers it waited for recorded.
/// </summary>
public sealed class BulkSessionRunner(ISessionRepository sessions, CallerContext callers, TimeProvider clock)
{
    /// <summary>Applies <paramref name="action"/> to each session of the batch that <paramref name="audience"/> (of the caller) includes, at one time (a session whose last change is stamped later, by another instance's clock, a microsecond after it).</summary>
    public async Task<BulkOutcome> RunAsync(
        IReadOnlyList<Guid> ids,
        Func<Caller, SessionAudience> audience,
        Func<Session, Caller, DateTime, Result> action,
        CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var distinct = ids.Distinct().ToList();
        var found = await sessions.GetManyForUpdateAsync(audience(caller), distinct, cancellationToken);
        var now = clock.UtcNow();
        var succeeded = new List<Guid>();
        var failed = new List<BulkFailure>();
        foreach (var id in distinct)
        {
            var outcome = found.TryGetValue(id, out var session) ? action(session, caller, session.StampAfter(now)) : SessionErrors.NotFound;
            if (outcome.Error is { } error)
            {
                failed.Add(new BulkFailure(id, error));
            }
            else
            {
                succeeded.Add(id);
            }
        }

        return new BulkOutcome(succeeded, failed);
    }
}
