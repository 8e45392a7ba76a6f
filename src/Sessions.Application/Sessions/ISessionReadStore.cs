using Sessions.Application.Common.Security;
using Sessions.Application.Sessions.Facets;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions;

/// <summary>The read side of sessions: resolution of ids and prefixes, and answers built in the database.</summary>
public interface ISessionReadStore
{
    /// <summary>
    /// The id and life of the one session the audience can see that the reference names: 404 when
    /// none, 400 <c>ambiguous_session_id</c> when a prefix matches several.
    /// </summary>
    Task<Result<SessionLifeKey>> ResolveAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken);

    /// <summary>
    /// The one session the audience can see that the reference names, with its owner's and
    /// sharer's chips, in one statement (a second counts the matches of an ambiguous prefix).
    /// </summary>
    Task<Result<SessionRead>> FindAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="FindAsync"/> with the session's stored system prompt (empty when none), read in
    /// one snapshot with it: the prompt is kept apart from the session, and only an export answers
    /// with it.
    /// </summary>
    Task<Result<(SessionRead Read, string SystemPrompt)>> FindWithSystemPromptAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken);

    /// <summary>One page of the audience's sessions matching the criteria, and how many match in all.</summary>
    Task<(IReadOnlyList<SessionView> Sessions, long Total)> ListAsync(
        SessionAudience audience,
        SessionCriteria criteria,
        SessionSortField sort,
        SortDirection direction,
        int skip,
        int take,
        CancellationToken cancellationToken);

    /// <summary>Per-dimension counts over the audience's sessions matching the criteria.</summary>
    Task<SessionFacets> FacetsAsync(SessionAudience audience, SessionCriteria criteria, CancellationToken cancellationToken);

    /// <summary>The chips of the given users that still exist.</summary>
    Task<IReadOnlyDictionary<Guid, UserChip>> GetUserChipsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);
}
