using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class CompactTranscriptHandler(SessionAccess access, ITranscriptStore transcripts, CallerContext callers, TimeProvider clock)
    : ICommandHandler<CompactTranscriptCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(CompactTranscriptCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        var upToSeq = command.UpToSeq!.Value;
        if (session.RefuseCompaction(upToSeq) is { } refusal)
        {
            return refusal;
        }

        var now = clock.UtcNow();
        var compacted = await transcripts.CompactAsync(session.Id, upToSeq, now, cancellationToken);
        var summary = session.Compact(upToSeq, compacted, command.Summary!.ToDraft(), callers.Current.UserId, now);
        if (!summary.IsSuccess)
        {
            return summary.Error;
        }

        transcripts.Add([summary.Value]);
        return await access.ViewAsync(session, cancellationToken);
    }
}
