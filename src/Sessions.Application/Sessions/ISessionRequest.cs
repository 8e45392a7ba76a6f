using Sessions.Application.Common.Security;

namespace Sessions.Application.Sessions;

/// <summary>A command or query about one session of a workspace, named by full id or unique prefix.</summary>
public interface ISessionRequest : IWorkspaceRequest
{
    SessionReference Session { get; }
}

/// <summary>
/// A command that changes one session, under the client's <c>If-Match</c> when it sent one: a
/// condition the session's version does not meet refuses the command (412) before anything is
/// done, idempotent repeats included (RFC 9110 §13.1.1).
/// </summary>
public interface ISessionCommand : ISessionRequest
{
    VersionCondition? IfMatch { get; }
}
