using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;

namespace Sessions.Application.Transcripts;

public sealed class CompactTranscriptHandler(SessionCommandServices services, ITranscriptStore transcripts)
    : SessionCommandHandler<CompactTranscriptCommand, SessionView>(services)
{
    protected override ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, CompactTranscriptCommand command, CancellationToken cancellationToken)
    {
        var upToSeq = command.UpToSeq!.Value;
        if (read.Session.RefuseCompaction(upToSeq) is { } refusal)
        {
            return Answer(refusal);
        }

        return Change(async (session, now, ct) =>
        {
            if (session.RefuseCompaction(upToSeq) is { } lateRefusal)
            {
                return lateRefusal;
            }

            var compacted = await transcripts.CompactAsync(session.Id, upToSeq, now, ct);
            var summary = session.Compact(upToSeq, compacted, command.Summary!.ToDraft(), caller.UserId, now).Value;
            transcripts.Add([summary]);
            return await ViewAsync(session, read, ct);
        });
    }
}
