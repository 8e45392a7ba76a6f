using Sessions.Application.Common.Security;

namespace Sessions.Application.Organizations;

/// <summary>
/// Membership administration: for platform admins (scope <c>admin</c>, member or not) and for the
/// workspace's own admins. Everyone else who is a member gets 403; non-members get 404.
/// </summary>
public interface IWorkspaceAdminRequest : IWorkspaceRequest;
