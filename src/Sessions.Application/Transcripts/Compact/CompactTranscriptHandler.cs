using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>
/// A compaction whose summary carries an id the session already has is a retry of one that
/// happened: answered with the session as it is, compacting nothing (as a retried append is
/// answered from what is stored), also once the session is frozen.
/// </summary>
public sealed class CompactTranscriptHandler(SessionCommandServices services, ITranscriptStore transcripts)
    : SessionCommandHandler<CompactTranscriptCommand, SessionView>(services)
{
    protected override async ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, CompactTranscriptCommand command, CancellationToken cancellationToken)
    {
        var upToSeq = command.UpToSeq!.Value;
        if (await IsRetryAsync(read.Session, command, cancellationToken))
        {
            return SessionPlan<SessionView>.AnswerWith(read.ToView());
        }

        if (read.Session.RefuseCompaction(upToSeq) is { } refusal)
        {
            return SessionPlan<SessionView>.AnswerWith(refusal);
        }

        return await Change(async (session, now, ct) =>
        {
            if (!read.StillDescribes(session) && await IsRetryAsync(session, command, ct))
            {
                return await ViewAsync(session, read, ct);
            }

            if (session.RefuseCompaction(upToSeq) is { } lateRefusal)
            {
                return lateRefusal;
            }

            var compacted = await transcripts.CompactAsync(session.Id, upToSeq, now, ct);
            var summary = session.Compact(upToSeq, compacted, command.Summary!.ToDraft(), caller.UserId, now);
            if (!summary.IsSuccess)
            {
                // The messages marked compacted above are unmarked with the rest of the refused change.
                return summary.Error;
            }

            transcripts.Add([summary.Value]);
            return await ViewAsync(session, read, ct);
        });
    }

    /// <summary>Whether the summary's id is stored in this life of the session: the compaction was done and this is its retry.</summary>
    private async Task<bool> IsRetryAsync(Session session, CompactTranscriptCommand command, CancellationToken cancellationToken) =>
        command.Summary!.Id is { } summaryId && (await transcripts.FindByIdsAsync(SessionLifeKey.Of(session), [summaryId], cancellationToken)).Count > 0;
}
