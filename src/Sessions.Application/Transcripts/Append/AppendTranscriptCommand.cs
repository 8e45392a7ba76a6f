using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>Appends 1 to 500 messages; a message whose id the session already has is answered as stored, not stored again.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record AppendTranscriptCommand(string Org, string Workspace, SessionReference Session, ContextInput? Context, IReadOnlyList<MessageInput?>? Messages)
    : ICommand<Result<TranscriptMessages>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}

/// <summary>The messages of an append, as stored, in the order they were sent, and the session's version after it (its ETag).</summary>
public sealed record TranscriptMessages(IReadOnlyList<MessageView> Messages, long SessionVersion);
