using Sessions.Domain.Organizations;

namespace Sessions.Application.Common.Security;

/// <summary>The caller's standing in the workspace a request addresses.</summary>
public sealed record WorkspaceMembership(Guid OrganizationId, Guid WorkspaceId, WorkspaceRole Role);
