using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>Deletes a user message and everything after it, answering what the user had typed.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record RewindSessionCommand(string Org, string Workspace, SessionReference Session, long? FromSeq)
    : ICommand<Result<RewindOutcome>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}

/// <summary>What a rewind removed and restored, and the session's version after it (its ETag).</summary>
public sealed record RewindOutcome(long DeletedCount, long TargetSeq, string RestoredContent, long SessionVersion);
