using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Items;

/// <summary>The items of sessions: looked up by dedupe key, added, and read newest first.</summary>
public interface ISessionItemStore
{
    /// <summary>The item of the session's life with this dedupe key, if any.</summary>
    Task<SessionItem?> FindByDedupeKeyAsync(SessionLifeKey session, string dedupeKey, CancellationToken cancellationToken);

    void Add(SessionItem item);

    /// <summary>The newest items of the session's life first (ties by id), at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<SessionItem>> ListAsync(SessionLifeKey session, int take, CancellationToken cancellationToken);
}
