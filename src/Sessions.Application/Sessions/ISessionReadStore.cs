using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions;

/// <summary>The read side of sessions: resolution of ids and prefixes, and answers built in the database.</summary>
public interface ISessionReadStore
{
    /// <summary>
    /// The id of the one session the audience can see that the reference names: 404 when none,
    /// 400 <c>ambiguous_session_id</c> when a prefix matches several.
    /// </summary>
    Task<Result<Guid>> ResolveAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken);

    /// <summary>The answer for one session, read without tracking.</summary>
    Task<SessionView?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The chips of the given users that still exist.</summary>
    Task<IReadOnlyDictionary<Guid, UserChip>> GetUserChipsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);
}
