using Sessions.Application.Common.Security;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Tests;

/// <summary>The caller a handler sees, and the list filters with nothing set, each in one call.</summary>
internal static class TestCallers
{
    public static SessionFilterInput NoFilter { get; } = new([], [], [], [], [], [], [], null, null, null);

    /// <summary>A caller established as the authorization behavior would: this user, member of this workspace with this role, holding one scope.</summary>
    public static CallerContext As(Guid userId, Guid workspaceId, WorkspaceRole role = WorkspaceRole.Member, string scope = Scopes.SessionsWrite)
    {
        var callers = new CallerContext();
        callers.Set(new Caller(userId, new WorkspaceMembership(Guid.NewGuid(), workspaceId, role), new HashSet<string> { scope }));
        return callers;
    }
}
