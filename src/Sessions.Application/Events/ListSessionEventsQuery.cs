using System.Text.Json;
using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Events;

/// <summary>The session's audit trail (CONTRACT §5.9): its stored domain events, oldest first, after an event id.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record ListSessionEventsQuery(string Org, string Workspace, SessionReference Session, Guid? AfterId, int? Limit)
    : IQuery<Result<SessionEventPage>>, ISessionRequest
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}

/// <summary>One event of the trail: who (null for a user no longer known) did what, when, with the event's own data.</summary>
public sealed record SessionEventView(Guid Id, string Type, DateTime OccurredAt, UserChip? Actor, JsonElement Data);

/// <summary><see cref="NextAfterId"/> is the id to pass as <c>after_id</c> for the next page (null when the page is empty).</summary>
public sealed record SessionEventPage(IReadOnlyList<SessionEventView> Events, bool HasMore, Guid? NextAfterId);

/// <summary>
/// The trail of a session the caller sees; for a workspace admin asking by full id, also the
/// trails of every earlier life of the id that a deletion from the workspace ended (their events
/// outlive them, and creating the id again and deleting it once more does not hide them), oldest
/// first, before the living session's.
/// </summary>
public sealed class ListSessionEventsHandler(ISessionReadStore reads, ISessionEventStore events, CallerContext callers)
    : IQueryHandler<ListSessionEventsQuery, Result<SessionEventPage>>
{
    public async ValueTask<Result<SessionEventPage>> Handle(ListSessionEventsQuery query, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var resolved = await reads.ResolveAsync(caller.Audience, query.Session, cancellationToken);
        if (!resolved.IsSuccess && resolved.Error.Type != ErrorType.NotFound)
        {
            return resolved.Error;
        }

        var sessionId = resolved.IsSuccess ? resolved.Value.Id : query.Session.Id.GetValueOrDefault();
        var deleted = await DeletedLivesForAdminAsync(caller, query.Session, cancellationToken);
        IReadOnlyList<SessionLife> lives;
        if (resolved.IsSuccess)
        {
            // An earlier life began or ended before the living one began; a deletion of the living
            // life itself, or of one created after it, both since it was found, is not one.
            var current = SessionLife.Living(resolved.Value.CreatedAt);
            lives = [.. deleted.Where(life => life.From < current.From || (life.From > current.From && life.To < current.From)), current];
        }
        else if (deleted.Count > 0)
        {
            lives = deleted;
        }
        else
        {
            return resolved.Error;
        }

        var limit = query.Limit ?? ListSessionEventsQuery.DefaultLimit;
        var page = await events.PageAsync(sessionId, lives, query.AfterId, limit + 1, cancellationToken);
        if (page is null)
        {
            return Error.Validation(nameof(ListSessionEventsQuery.AfterId), "must be the id of an event of this session", FieldProblem.InvalidValue);
        }

        var shown = page.Take(limit).ToList();
        var actors = await reads.GetUserChipsAsync([.. shown.Where(e => e.ActorId is not null).Select(e => e.ActorId!.Value).Distinct()], cancellationToken);
        var views = shown.Select(e => new SessionEventView(e.Id, e.Type, e.OccurredAt, e.ActorId is { } actor ? actors.GetValueOrDefault(actor) : null, Parse(e.DataJson))).ToList();
        return new SessionEventPage(views, page.Count > limit, views.Count > 0 ? views[^1].Id : null);
    }

    /// <summary>For a workspace admin asking by full id, the lives of the id that deletions from their workspace ended.</summary>
    private async Task<IReadOnlyList<SessionLife>> DeletedLivesForAdminAsync(Caller caller, SessionReference reference, CancellationToken cancellationToken) =>
        caller.Membership.Role == WorkspaceRole.Admin && reference.Id is { } id
            ? await events.DeletedFromWorkspaceAsync(id, caller.WorkspaceId, cancellationToken)
            : [];

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

public sealed class ListSessionEventsValidator : AbstractValidator<ListSessionEventsQuery>
{
    public ListSessionEventsValidator() => RuleFor(q => q.Limit).AtLeast(1).AtMost(ListSessionEventsQuery.MaxLimit);
}
