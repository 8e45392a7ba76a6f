using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class GetTranscriptHandler(ISessionReadStore reads, CallerContext callers, ITranscriptReadStore transcripts)
    : IQueryHandler<GetTranscriptQuery, Result<TranscriptPage>>
{
    public async ValueTask<Result<TranscriptPage>> Handle(GetTranscriptQuery query, CancellationToken cancellationToken)
    {
        var resolved = await reads.ResolveAsync(callers.Current.Audience, query.Session, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var limit = query.Limit ?? GetTranscriptQuery.DefaultLimit;
        var page = await transcripts.PageAsync(resolved.Value, query.AfterSeq ?? 0, limit + 1, query.IncludeCompacted ?? false, cancellationToken);
        var messages = page.Messages.Take(limit).ToList();
        return new TranscriptPage(messages, page.MoreAfter(limit + 1), messages.Count > 0 ? messages[^1].Seq : null);
    }
}
