using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class SearchMessagesHandler(ISessionReadStore reads, CallerContext callers, ITranscriptReadStore transcripts)
    : IQueryHandler<SearchMessagesQuery, Result<MessageMatches>>
{
    public async ValueTask<Result<MessageMatches>> Handle(SearchMessagesQuery query, CancellationToken cancellationToken)
    {
        var resolved = await reads.ResolveAsync(callers.Current.Audience, query.Session, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var limit = query.Limit ?? SearchMessagesQuery.DefaultLimit;
        var (matches, total) = await transcripts.SearchAsync(resolved.Value, query.Q!, query.AfterSeq ?? 0, limit + 1, query.IncludeCompacted ?? false, cancellationToken);
        return new MessageMatches([.. matches.Messages.Take(limit)], total, matches.MoreAfter(limit + 1));
    }
}
