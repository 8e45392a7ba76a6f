using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Pin;

public sealed class PinSessionHandler(SessionAccess access, CallerContext callers, TimeProvider clock)
    : ICommandHandler<PinSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(PinSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (command.Pinned)
        {
            session.Pin(callers.Current.UserId, clock.UtcNow());
        }
        else
        {
            session.Unpin(callers.Current.UserId, clock.UtcNow());
        }

        return await access.ViewAsync(session, cancellationToken);
    }
}
