using Sessions.Application.Common.Security;

namespace Sessions.Application.Sessions.Pin;

public sealed class PinSessionHandler(SessionCommandServices services)
    : SessionCommandHandler<PinSessionCommand, SessionView>(services)
{
    protected override bool ChangesOnlyTheSessionRow => true;

    protected override ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, PinSessionCommand command, CancellationToken cancellationToken) =>
        read.Session.PinnedAt is not null == command.Pinned
            ? Answer(read.ToView())
            : Change(async (session, now, ct) =>
            {
                if (command.Pinned)
                {
                    session.Pin(caller.UserId, now);
                }
                else
                {
                    session.Unpin(caller.UserId, now);
                }

                return await ViewAsync(session, read, ct);
            });
}
