using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Freeze;

/// <summary>
/// A user freezes their own session (or, as workspace admin, any they can see); the evaluation
/// service (scope <c>sessions:evaluate</c>) freezes any session of its workspace. Viewers freeze
/// nothing. Freezing a frozen session answers it as it is, without taking a write lock.
/// </summary>
public sealed class FreezeSessionHandler(SessionCommandServices services)
    : SessionCommandHandler<FreezeSessionCommand, SessionView>(services)
{
    protected override SessionAudience Audience(Caller caller) => caller.FreezeAudience;

    protected override Error? Refuse(Session session, Caller caller) => caller.FreezesAs(session) is null ? SessionErrors.NotChangeable : null;

    protected override bool ChangesOnlyTheSessionRow => true;

    protected override ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, FreezeSessionCommand command, CancellationToken cancellationToken) =>
        read.Session.IsFrozen
            ? Answer(read.ToView())
            : Change(async (session, now, ct) =>
            {
                session.Freeze(caller.UserId, caller.FreezesAs(session)!.Value, now);
                return await ViewAsync(session, read, ct);
            });
}
