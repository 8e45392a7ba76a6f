using Sessions.Domain.Sessions;

namespace Sessions.Application.Items;

/// <summary>The items of sessions: looked up by dedupe key, added, and read newest first.</summary>
public interface ISessionItemStore
{
    Task<SessionItem?> FindByDedupeKeyAsync(Guid sessionId, string dedupeKey, CancellationToken cancellationToken);

    void Add(SessionItem item);

    /// <summary>The session's newest items first (ties by id), at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<SessionItem>> ListAsync(Guid sessionId, int take, CancellationToken cancellationToken);
}
