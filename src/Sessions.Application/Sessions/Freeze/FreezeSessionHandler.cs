using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Freeze;

/// <summary>
/// A user freezes their own session (or, as workspace admin, any they can see); the evaluation
/// service (scope <c>sessions:evaluate</c>) freezes any session of its workspace. Viewers freeze nothing.
/// </summary>
public sealed class FreezeSessionHandler(SessionAccess access, CallerContext callers, TimeProvider clock)
    : ICommandHandler<FreezeSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(FreezeSessionCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var loaded = await access.LoadForFreezeAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (caller.FreezesAs(session) is not { } frozenBy)
        {
            return SessionErrors.NotChangeable;
        }

        session.Freeze(caller.UserId, frozenBy, clock.UtcNow());
        return await access.ViewAsync(session, cancellationToken);
    }
}
