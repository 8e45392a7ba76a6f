using Mediator;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Update;

public sealed class UpdateSessionHandler(SessionAccess access) : ICommandHandler<UpdateSessionCommand, Result<SessionView>>
{
    private static readonly Error StaleETag =
        new(ErrorType.PreconditionFailed, "The session has changed since the ETag given in If-Match; read it again and retry.");

    public async ValueTask<Result<SessionView>> Handle(UpdateSessionCommand command, CancellationToken cancellationToken) =>
        await access.ChangeAsync(command.SessionId, (session, caller, now) =>
        {
            if (command.IfMatch is { } condition && !condition.IsMetBy(session.Version))
            {
                return StaleETag;
            }

            var changes = new SessionChanges(command.Title, command.Model, command.Agent, command.Labels, command.MessageCount, command.Visibility);
            return session.Update(changes, caller.UserId, now);
        }, cancellationToken);
}
