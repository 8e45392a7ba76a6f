using Mediator;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class GetTranscriptHandler(SessionAccess access, ITranscriptReadStore transcripts)
    : IQueryHandler<GetTranscriptQuery, Result<TranscriptPage>>
{
    public async ValueTask<Result<TranscriptPage>> Handle(GetTranscriptQuery query, CancellationToken cancellationToken)
    {
        var resolved = await access.ResolveAsync(query.SessionId, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var limit = query.Limit ?? GetTranscriptQuery.DefaultLimit;
        var page = await transcripts.PageAsync(resolved.Value, query.AfterSeq ?? 0, limit + 1, query.IncludeCompacted ?? false, cancellationToken);
        var messages = page.Take(limit).ToList();
        return new TranscriptPage(messages, page.Count > limit, messages.Count > 0 ? messages[^1].Seq : null);
    }
}
