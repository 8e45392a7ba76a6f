using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class RewindSessionHandler(SessionCommandServices services, ITranscriptStore transcripts)
    : SessionCommandHandler<RewindSessionCommand, RewindOutcome>(services)
{
    protected override ValueTask<SessionPlan<RewindOutcome>> PlanAsync(SessionRead read, Caller caller, RewindSessionCommand command, CancellationToken cancellationToken)
    {
        if (read.Session.RefuseRewind() is { } refusal)
        {
            return Answer(refusal);
        }

        return Change(async (session, now, ct) =>
        {
            // The session as it is under the lock: a freeze that came between the read and the
            // lock answers 409 before the target is looked for.
            if (session.RefuseRewind() is { } refused)
            {
                return refused;
            }

            var fromSeq = command.FromSeq!.Value;
            var plan = await transcripts.PlanRewindAsync(session.Id, fromSeq, ct);
            if (plan is null)
            {
                return Error.Validation(nameof(RewindSessionCommand.FromSeq), "no message of this session has this seq", FieldProblem.InvalidValue);
            }

            var rewound = session.Rewind(plan, caller.UserId, now);
            if (rewound.Error is { } error)
            {
                return error;
            }

            await transcripts.DeleteFromAsync(session.Id, fromSeq, ct);
            return new RewindOutcome(plan.Removed.MessageCount, plan.TargetSeq, plan.TargetContent, session.Version);
        });
    }
}
