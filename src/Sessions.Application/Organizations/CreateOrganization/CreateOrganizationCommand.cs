using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

/// <summary>Creates an organization (platform admins only).</summary>
[RequiresScope(Scopes.Admin)]
public sealed record CreateOrganizationCommand(string? Slug, string? Name) : ICommand<Result<OrganizationView>>;
