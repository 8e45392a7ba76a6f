using Mediator;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Archive;

public sealed class ArchiveSessionHandler(SessionAccess access) : ICommandHandler<ArchiveSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(ArchiveSessionCommand command, CancellationToken cancellationToken) =>
        await access.ChangeAsync(command.SessionId, (session, caller, now) =>
        {
            if (command.Archived)
            {
                session.Archive(caller.UserId, now);
            }
            else
            {
                session.Unarchive(caller.UserId, now);
            }

            return Result.Success;
        }, cancellationToken);
}
