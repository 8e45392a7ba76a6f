using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Groups;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Create;

public sealed class CreateSessionHandler(
    ISessionRepository sessions,
    ISessionReadStore reads,
    IGroupReadStore groups,
    CallerContext callers,
    TimeProvider clock) : ICommandHandler<CreateSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(CreateSessionCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (caller.Membership.Role == WorkspaceRole.Viewer)
        {
            return Error.Forbidden("Viewers cannot create sessions.");
        }

        if (command.GroupId is { } groupId && !await groups.ExistsAsync(caller.WorkspaceId, groupId, cancellationToken))
        {
            return GroupRules.UnknownGroup;
        }

        var id = command.Id!.Value;
        if (await sessions.ExistsAsync(id, cancellationToken))
        {
            return new Error(ErrorType.AlreadyExists, $"A session with id {id} already exists.");
        }

        var spec = new NewSession(
            id,
            command.Model!,
            command.Title,
            command.Agent,
            command.Labels ?? new Dictionary<string, IReadOnlyList<string>>(),
            command.MessageCount ?? 0,
            command.Origin ?? SessionOrigin.User,
            command.Visibility ?? SessionVisibility.Private,
            command.ProjectId,
            command.RuntimeId,
            command.GroupId);
        var session = Session.Create(spec, caller.WorkspaceId, caller.UserId, clock.UtcNow());
        sessions.Add(session);
        var owner = (await reads.GetUserChipsAsync([caller.UserId], cancellationToken)).GetValueOrDefault(caller.UserId);
        return SessionView.From(session, owner, session.SharedBy is null ? null : owner);
    }
}
