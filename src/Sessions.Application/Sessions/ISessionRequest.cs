using Sessions.Application.Common.Security;

namespace Sessions.Application.Sessions;

/// <summary>A command or query about one session of a workspace, named by full id or unique prefix.</summary>
public interface ISessionRequest : IWorkspaceRequest
{
    SessionReference Session { get; }
}
