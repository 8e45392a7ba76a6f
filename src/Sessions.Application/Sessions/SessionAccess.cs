using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>
/// What every single-session command does first and last: find the session the caller names
/// (among those they can see), load it for change, and build its answer after the change.
/// </summary>
public sealed class SessionAccess(ISessionReadStore reads, ISessionRepository sessions, CallerContext callers, TimeProvider clock)
{
    /// <summary>
    /// The whole of a simple change: load the session the caller may change, apply
    /// <paramref name="change"/> (with the caller and the time), answer the session as changed.
    /// </summary>
    public async Task<Result<SessionView>> ChangeAsync(string sessionReference, Func<Session, Caller, DateTime, Result> change, CancellationToken cancellationToken)
    {
        var loaded = await LoadChangeableAsync(sessionReference, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var changed = change(loaded.Value, callers.Current, clock.UtcNow());
        return changed.Error ?? (Result<SessionView>)await ViewAsync(loaded.Value, cancellationToken);
    }

    /// <summary>The id of the session the caller names by id or prefix, among those they can see.</summary>
    public Task<Result<Guid>> ResolveAsync(string sessionReference, CancellationToken cancellationToken) =>
        ResolveAsync(sessionReference, callers.Current.Audience, cancellationToken);

    /// <summary>
    /// The answer for the session the caller names, among those they can see: one statement for a
    /// full id, a resolution first for a prefix.
    /// </summary>
    public async Task<Result<SessionView>> ReadAsync(string sessionReference, CancellationToken cancellationToken)
    {
        var audience = callers.Current.Audience;
        if (!SessionReference.TryParse(sessionReference, out var reference))
        {
            return InvalidReference;
        }

        var id = reference.Id;
        if (id is null)
        {
            var resolved = await reads.ResolveAsync(audience, reference, cancellationToken);
            if (!resolved.IsSuccess)
            {
                return resolved.Error;
            }

            id = resolved.Value;
        }

        return await reads.GetAsync(audience, id.Value, cancellationToken) is { } view ? view : SessionErrors.NotFound;
    }

    /// <summary>Loads for a freeze the session the caller names, among those they may freeze (see <see cref="Caller.FreezeAudience"/>).</summary>
    public Task<Result<Session>> LoadForFreezeAsync(string sessionReference, CancellationToken cancellationToken) =>
        LoadAsync(sessionReference, callers.Current.FreezeAudience, cancellationToken);

    /// <summary>Loads the session for change; 404 when the caller cannot see it, 403 unless they are its owner or a workspace admin.</summary>
    public async Task<Result<Session>> LoadChangeableAsync(string sessionReference, CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(sessionReference, callers.Current.Audience, cancellationToken);
        if (loaded.IsSuccess && !callers.Current.MayChange(loaded.Value))
        {
            return SessionErrors.NotChangeable;
        }

        return loaded;
    }

    private async Task<Result<Guid>> ResolveAsync(string sessionReference, SessionAudience audience, CancellationToken cancellationToken) =>
        SessionReference.TryParse(sessionReference, out var reference)
            ? await reads.ResolveAsync(audience, reference, cancellationToken)
            : InvalidReference;

    private async Task<Result<Session>> LoadAsync(string sessionReference, SessionAudience audience, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(sessionReference, audience, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var session = await sessions.GetForUpdateAsync(resolved.Value, cancellationToken);
        return session is null ? SessionErrors.NotFound : session;
    }

    private static Error InvalidReference { get; } = Error.Validation("session_id", SessionRules.ReferenceMessage, "value_error");

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
