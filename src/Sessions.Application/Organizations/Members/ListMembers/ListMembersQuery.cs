using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

/// <summary>The members of the workspace with their roles.</summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsRead)]
public sealed record ListMembersQuery(string Org, string Workspace) : IQuery<Result<MemberList>>, IWorkspaceAdminRequest;
