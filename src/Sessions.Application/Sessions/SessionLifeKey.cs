using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>
/// A session id with its creation time: what tells the session a read found from one created again
/// under its id after a deletion. Reads that follow a resolution (a transcript page, items, an
/// export) take rows of this life only, so a session deleted and created again meanwhile, by anyone,
/// shows none of its rows to a caller who found the earlier one.
/// </summary>
public readonly record struct SessionLifeKey(Guid Id, DateTime CreatedAt)
{
    /// <summary>The life of a loaded session.</summary>
    public static SessionLifeKey Of(Session session) => new(session.Id, session.CreatedAt);
}
