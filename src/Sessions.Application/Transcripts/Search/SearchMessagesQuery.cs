using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>Messages whose content contains <see cref="Q"/>, any case, in seq order.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record SearchMessagesQuery(string Org, string Workspace, SessionReference Session, string? Q, long? AfterSeq, int? Limit, bool? IncludeCompacted)
    : IQuery<Result<MessageMatches>>, ISessionRequest
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxQueryLength = 200;
}

/// <summary><see cref="Total"/> counts every match, whatever page this is.</summary>
public sealed record MessageMatches(IReadOnlyList<MessageView> Matches, long Total, bool HasMore);
