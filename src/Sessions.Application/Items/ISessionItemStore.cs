using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Items;

/// <summary>The items of sessions: looked up by dedupe key, added, and read newest first.</summary>
public interface ISessionItemStore
{
    /// <summary>The item of the session's life with this dedupe key, if any.</summary>
    Task<SessionItem?> FindByDedupeKeyAsync(SessionLifeKey session, string dedupeKey, CancellationToken cancellationToken);

    void Add(SessionItem item);

    /// <summary>
    /// The newest items of the session's life first (ties by id), those after
    /// <paramref name="after"/> in that order (from the newest when null), at most <paramref name="take"/>.
    /// </summary>
    Task<IReadOnlyList<SessionItem>> PageAsync(SessionLifeKey session, ItemPlace? after, int take, CancellationToken cancellationToken);
}

/// <summary>An item's place in a session's items, newest first: its creation, then its id.</summary>
public sealed record ItemPlace(DateTime CreatedAt, Guid Id)
{
    public static ItemPlace Of(SessionItem item) => new(item.CreatedAt, item.Id);
}
