using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

/// <summary>Creates a workspace in an organization (platform admins only).</summary>
[RequiresScope(Scopes.Admin)]
public sealed record CreateWorkspaceCommand(string Org, string? Slug, string? Name) : ICommand<Result<WorkspaceView>>;
