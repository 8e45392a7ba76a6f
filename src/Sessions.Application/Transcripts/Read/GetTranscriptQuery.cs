using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>A page of the transcript in seq order, after a seq (keyset paging).</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GetTranscriptQuery(string Org, string Workspace, SessionReference Session, long? AfterSeq, int? Limit, bool? IncludeCompacted)
    : IQuery<Result<TranscriptPage>>, ISessionRequest
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}

/// <summary><see cref="NextAfterSeq"/> is the seq to pass as <c>after_seq</c> for the next page (null when the page is empty).</summary>
public sealed record TranscriptPage(IReadOnlyList<MessageView> Messages, bool HasMore, long? NextAfterSeq);
