using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>
/// A compaction whose summary carries the id of the summary the same compaction appended is a
/// retry of one that happened: answered with the session as it is, compacting nothing (as a
/// retried append is answered from what is stored), also once the session is frozen. A summary id
/// the transcript holds for any other message is refused (409), after the refusals of the
/// compaction itself: the compaction did not happen, and answering it as done would lose it.
/// </summary>
public sealed class CompactTranscriptHandler(SessionCommandServices services, ITranscriptStore transcripts)
    : SessionCommandHandler<CompactTranscriptCommand, SessionView>(services)
{
    protected override async ValueTask<SessionPlan<SessionView>> PlanAsync(SessionRead read, Caller caller, CompactTranscriptCommand command, CancellationToken cancellationToken)
    {
        var upToSeq = command.UpToSeq!.Value;
        var sameId = await SameIdAsync(read.Session, command, cancellationToken);
        if (sameId?.IsSummaryOf(upToSeq) == true)
        {
            return SessionPlan<SessionView>.AnswerWith(read.ToView());
        }

        if (Refusal(read.Session, upToSeq, sameId) is { } refusal)
        {
            return SessionPlan<SessionView>.AnswerWith(refusal);
        }

        return await Change(async (session, now, ct) =>
        {
            var stored = read.StillDescribes(session) ? sameId : await SameIdAsync(session, command, ct);
            if (stored?.IsSummaryOf(upToSeq) == true)
            {
                return await ViewAsync(session, read, ct);
            }

            if (Refusal(session, upToSeq, stored) is { } lateRefusal)
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

    /// <summary>The message of this life of the session that holds the summary's id, if it has one.</summary>
    private async Task<SessionMessage?> SameIdAsync(Session session, CompactTranscriptCommand command, CancellationToken cancellationToken) =>
        command.Summary!.Id is { } summaryId
            ? (await transcripts.FindByIdsAsync(SessionLifeKey.Of(session), [summaryId], long.MaxValue, cancellationToken)).SingleOrDefault()
            : null;

    /// <summary>Why the compaction cannot happen: the session's own refusals first, then a summary id another message holds.</summary>
    private static Error? Refusal(Session session, long upToSeq, SessionMessage? sameId) =>
        session.RefuseCompaction(upToSeq)
        ?? (sameId is null ? null : DomainErrors.SummaryIdTaken(sameId.Seq, sameId.SummaryUpToSeq));
}
