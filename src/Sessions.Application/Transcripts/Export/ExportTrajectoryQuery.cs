using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Events;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>The formats a trajectory exports to (CONTRACT §5.6).</summary>
public enum TrajectoryFormat
{
    Atif,
    Openai,
    Native,
}

/// <summary>A session's trajectory, to be written as it is read: the session, its stored system prompt, and its messages and events as streams.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record ExportTrajectoryQuery(string Org, string Workspace, SessionReference Session, string? Format, bool? IncludeCompacted)
    : IQuery<Result<TrajectoryExport>>, ISessionRequest;

/// <summary>
/// What an export writes. The messages and events are read a page at a time while they are
/// enumerated, so a transcript of any length is never held in memory. An empty system prompt is
/// none (an append's context that sends <c>""</c> clears the prompt), as an empty agent is.
/// </summary>
public sealed record TrajectoryExport(
    SessionView Session,
    string? SystemPrompt,
    TrajectoryFormat Format,
    IAsyncEnumerable<MessageView> Messages,
    IAsyncEnumerable<StoredEvent> Events);
