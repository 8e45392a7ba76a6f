using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Application.Organizations;

/// <summary>The write side of organizations, workspaces, memberships and users.</summary>
public interface IOrganizationRepository
{
    Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken);

    Task<bool> WorkspaceExistsAsync(Guid organizationId, string slug, CancellationToken cancellationToken);

    Task<Membership?> FindMembershipAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the workspace's membership lock until the transaction ends: membership changes of one
    /// workspace run one after another, and what each reads after the lock (the caller's own role,
    /// the member's, the number of admins) is what the one before it left.
    /// </summary>
    Task LockMembersAsync(Guid workspaceId, CancellationToken cancellationToken);

    /// <summary>How many admins the workspace has; under <see cref="LockMembersAsync"/>, no other change can move it.</summary>
    Task<int> CountAdminsAsync(Guid workspaceId, CancellationToken cancellationToken);

    Task<User?> FindUserAsync(Guid id, CancellationToken cancellationToken);

    void Add(Organization organization);

    void Add(Workspace workspace);

    void Add(Membership membership);

    void Add(User user);

    void Remove(Membership membership);
}
