using Mediator;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Pin;

public sealed class PinSessionHandler(SessionAccess access) : ICommandHandler<PinSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(PinSessionCommand command, CancellationToken cancellationToken) =>
        await access.ChangeAsync(command.SessionId, (session, caller, now) =>
        {
            if (command.Pinned)
            {
                session.Pin(caller.UserId, now);
            }
            else
            {
                session.Unpin(caller.UserId, now);
            }

            return Result.Success;
        }, cancellationToken);
}
