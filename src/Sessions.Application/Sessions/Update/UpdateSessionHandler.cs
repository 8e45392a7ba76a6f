using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Update;

/// <summary>
/// Changes the fields sent; its <c>If-Match</c> is checked as every session command's is (<see
/// cref="SessionCommandHandler{TCommand, TResult}"/>). A change that sends only what the session
/// already holds answers the read without a write lock, as an idempotent repeat of any command does.
/// </summary>
public sealed class UpdateSessionHandler(SessionCommandServices services, IGroupReadStore groups)
    : SessionCommandHandler<UpdateSessionCommand, SessionView>(services)
{
    protected override bool ChangesLabels(UpdateSessionCommand command) => command.Labels is not null;

    protected override async ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, UpdateSessionCommand command, CancellationToken cancellationToken)
    {
        if (command.GroupId is { } groupId && groupId != read.Session.GroupId && !await groups.ExistsAsync(caller.WorkspaceId, groupId, cancellationToken))
        {
            return SessionPlan<SessionView>.AnswerWith(GroupRules.UnknownGroup);
        }

        var changes = new SessionChanges(command.Title, command.Model, command.Agent, command.Labels, command.MessageCount, command.Visibility, command.GroupId);
        if (read.Session.IsUnchangedBy(changes))
        {
            return SessionPlan<SessionView>.AnswerWith(read.ToView());
        }

        return SessionPlan<SessionView>.ChangeWith(async (session, now, ct) =>
        {
            var updated = session.Update(changes, caller.UserId, now);
            return updated.Error ?? (Result<SessionView>)await ViewAsync(session, read, ct);
        });
    }
}
