using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>Compacts the transcript up to a seq, non-destructively, and appends the summary.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record CompactTranscriptCommand(string Org, string Workspace, SessionReference Session, MessageInput? Summary, long? UpToSeq)
    : ICommand<Result<SessionView>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}
