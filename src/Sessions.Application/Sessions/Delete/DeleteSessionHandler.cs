using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Delete;

public sealed class DeleteSessionHandler(SessionAccess access, ISessionRepository sessions, CallerContext callers, TimeProvider clock)
    : ICommandHandler<DeleteSessionCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        var deleted = session.Delete(callers.Current.UserId, clock.UtcNow());
        if (deleted.Error is null)
        {
            sessions.Remove(session);
        }

        return deleted;
    }
}
