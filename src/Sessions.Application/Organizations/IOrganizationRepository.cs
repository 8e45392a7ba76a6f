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

    /// <summary>
    /// The user with this id, created without a profile when the service has not seen them: a
    /// row another request creates at the same moment (the user's own first request) is taken as
    /// it is, not written twice.
    /// </summary>
    Task<User> FindOrAddUserAsync(Guid id, DateTime now, CancellationToken cancellationToken);

    void Add(Organization organization);

    void Add(Workspace workspace);

    void Add(Membership membership);

    void Remove(Membership membership);
}
