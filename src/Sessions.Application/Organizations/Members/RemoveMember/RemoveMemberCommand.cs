using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

/// <summary>Removes a user from the workspace.</summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsWrite)]
public sealed record RemoveMemberCommand(string Org, string Workspace, Guid UserId) : ICommand<Result>, IWorkspaceAdminRequest;
