using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class RewindSessionHandler(SessionAccess access, ITranscriptStore transcripts, CallerContext callers, TimeProvider clock)
    : ICommandHandler<RewindSessionCommand, Result<RewindOutcome>>
{
    public async ValueTask<Result<RewindOutcome>> Handle(RewindSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (session.RefuseRewind() is { } refusal)
        {
            return refusal;
        }

        var fromSeq = command.FromSeq!.Value;
        var plan = await transcripts.PlanRewindAsync(session.Id, fromSeq, cancellationToken);
        if (plan is null)
        {
            return Error.Validation("from_seq", "no message of this session has this seq", "value_error");
        }

        var rewound = session.Rewind(plan, callers.Current.UserId, clock.UtcNow());
        if (rewound.Error is { } error)
        {
            return error;
        }

        await transcripts.DeleteFromAsync(session.Id, fromSeq, cancellationToken);
        return new RewindOutcome(plan.Removed.MessageCount, plan.TargetSeq, plan.TargetContent);
    }
}
