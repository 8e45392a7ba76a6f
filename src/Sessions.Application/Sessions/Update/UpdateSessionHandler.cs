using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Update;

public sealed class UpdateSessionHandler(SessionAccess access, CallerContext callers, TimeProvider clock)
    : ICommandHandler<UpdateSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(UpdateSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (command.IfMatch is { } condition && !condition.IsMetBy(session.Version))
        {
            return new Error(ErrorType.PreconditionFailed, "The session has changed since the ETag given in If-Match; read it again and retry.");
        }

        var changes = new SessionChanges(command.Title, command.Model, command.Agent, command.Labels, command.MessageCount, command.Visibility);
        var updated = session.Update(changes, callers.Current.UserId, clock.UtcNow());
        if (updated.Error is { } error)
        {
            return error;
        }

        return await access.ViewAsync(session, cancellationToken);
    }
}
