using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

/// <summary>Adds a user to the workspace with a role, or changes their role; creates the user when unknown.</summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsWrite)]
public sealed record PutMemberCommand(string Org, string Workspace, Guid UserId, WorkspaceRole? Role, string? Email, string? FullName)
    : ICommand<Result<MemberView>>, IWorkspaceAdminRequest;
