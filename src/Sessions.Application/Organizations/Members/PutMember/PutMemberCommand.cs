using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

/// <summary>
/// Adds a user to the workspace with a role, or changes their role. A user the service has not seen
/// yet is created without a profile: email and names come only from the user's own tokens.
/// </summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsWrite)]
public sealed record PutMemberCommand(string Org, string Workspace, Guid UserId, WorkspaceRole? Role)
    : ICommand<Result<MemberView>>, IWorkspaceAdminRequest;
