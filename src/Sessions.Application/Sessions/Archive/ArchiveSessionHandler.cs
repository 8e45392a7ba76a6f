using Sessions.Application.Common.Security;

namespace Sessions.Application.Sessions.Archive;

public sealed class ArchiveSessionHandler(SessionCommandServices services)
    : SessionCommandHandler<ArchiveSessionCommand, SessionView>(services)
{
    protected override bool ChangesOnlyTheSessionRow => true;

    protected override ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, ArchiveSessionCommand command, CancellationToken cancellationToken) =>
        read.Session.ArchivedAt is not null == command.Archived
            ? Answer(read.ToView())
            : Change(async (session, now, ct) =>
            {
                if (command.Archived)
                {
                    session.Archive(caller.UserId, now);
                }
                else
                {
                    session.Unarchive(caller.UserId, now);
                }

                return await ViewAsync(session, read, ct);
            });
}
