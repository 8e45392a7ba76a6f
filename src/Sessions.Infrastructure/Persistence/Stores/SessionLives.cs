using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>Rows of one life of a session id (messages, items), read after the session was found.</summary>
internal static class SessionLives
{
    /// <summary>
    /// The rows of the session's life: its rows while the session row is the one created at that
    /// instant, tested in the same statement, so a session deleted and created again under the id
    /// since it was found (by anyone) shows none of its rows.
    /// </summary>
    public static IQueryable<T> OfLife<T>(this IQueryable<T> rows, SessionsDbContext db, SessionLifeKey life)
        where T : class, ISessionRow
    {
        var (sessionId, createdAt) = life;
        return rows.Where(row => row.SessionId == sessionId && db.Sessions.Any(s => s.Id == sessionId && s.CreatedAt == createdAt));
    }
}
