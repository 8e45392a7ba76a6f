using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Archive;

public sealed class ArchiveSessionHandler(SessionAccess access, CallerContext callers, TimeProvider clock)
    : ICommandHandler<ArchiveSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(ArchiveSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (command.Archived)
        {
            session.Archive(callers.Current.UserId, clock.UtcNow());
        }
        else
        {
            session.Unarchive(callers.Current.UserId, clock.UtcNow());
        }

        return await access.ViewAsync(session, cancellationToken);
    }
}
