using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>
/// What every single-session command does first and last: find the session the caller names
/// (among those they can see), load it for change, and build its answer after the change.
/// </summary>
public sealed class SessionAccess(ISessionReadStore reads, ISessionRepository sessions, CallerContext callers)
{
    /// <summary>Resolves the id or prefix and loads the session for change; 404 when the caller cannot see it.</summary>
    public async Task<Result<Session>> LoadAsync(string sessionReference, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(sessionReference, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var session = await sessions.GetForUpdateAsync(resolved.Value, cancellationToken);
        return session is null ? SessionErrors.NotFound : session;
    }

    /// <summary>The id of the session the caller names by id or prefix, among those they can see.</summary>
    public async Task<Result<Guid>> ResolveAsync(string sessionReference, CancellationToken cancellationToken) =>
        SessionReference.TryParse(sessionReference, out var reference)
            ? await reads.ResolveAsync(callers.Current.Audience, reference, cancellationToken)
            : Error.Validation("session_id", SessionRules.ReferenceMessage, "value_error");

    /// <summary>As <see cref="LoadAsync"/>, then 403 unless the caller is the owner or a workspace admin.</summary>
    public async Task<Result<Session>> LoadChangeableAsync(string sessionReference, CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(sessionReference, cancellationToken);
        if (loaded.IsSuccess && !callers.Current.MayChange(loaded.Value))
        {
            return SessionErrors.NotChangeable;
        }

        return loaded;
    }

    /// <summary>The answer for a session as it stands in this unit of work.</summary>
    public async Task<SessionView> ViewAsync(Session session, CancellationToken cancellationToken)
    {
        Guid[] userIds = session.SharedBy is { } sharer && sharer != session.UserId ? [session.UserId, sharer] : [session.UserId];
        var chips = await reads.GetUserChipsAsync(userIds, cancellationToken);
        return SessionView.From(
            session,
            chips.GetValueOrDefault(session.UserId),
            session.SharedBy is { } sharedBy ? chips.GetValueOrDefault(sharedBy) : null);
    }
}
