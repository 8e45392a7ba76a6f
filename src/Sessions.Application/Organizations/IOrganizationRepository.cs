using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Application.Organizations;

/// <summary>The write side of organizations, workspaces, memberships and users.</summary>
public interface IOrganizationRepository
{
    Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken);

    Task<bool> WorkspaceExistsAsync(Guid organizationId, string slug, CancellationToken cancellationToken);

    Task<Membership?> FindMembershipAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken);

    /// <summary>How many admins the workspace has, holding their rows until the transaction ends so two removals cannot both see a second admin.</summary>
    Task<int> CountAdminsForUpdateAsync(Guid workspaceId, CancellationToken cancellationToken);

    Task<User?> FindUserAsync(Guid id, CancellationToken cancellationToken);

    void Add(Organization organization);

    void Add(Workspace workspace);

    void Add(Membership membership);

    void Add(User user);

    void Remove(Membership membership);
}
