using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

/// <summary>The checks every membership command shares.</summary>
internal static class MemberRules
{
    private static readonly Error NotAnAdmin = Error.Forbidden("Only workspace admins and platform admins manage members.");

    /// <summary>The caller's role as the request was authorized with: enough to read the members.</summary>
    public static Error? RequireWorkspaceAdmin(Caller caller) => caller.Membership.Role == WorkspaceRole.Admin ? null : NotAnAdmin;

    /// <summary>
    /// Takes the workspace's membership lock, then checks that the caller is still allowed to
    /// manage its members: a platform admin, or a member whose role, read under the lock, is
    /// admin. The role the request was authorized with may be up to a cache's lifetime old (or
    /// another instance's); an admin removed or demoted since gets 404 or 403, not a change.
    /// </summary>
    public static async Task<Error?> LockAndRequireWorkspaceAdminAsync(Caller caller, IOrganizationRepository organizations, CancellationToken cancellationToken)
    {
        if (RequireWorkspaceAdmin(caller) is { } refused)
        {
            return refused;
        }

        await organizations.LockMembersAsync(caller.WorkspaceId, cancellationToken);
        if (caller.Scopes.Contains(Scopes.Admin))
        {
            return null;
        }

        return (await organizations.FindMembershipAsync(caller.WorkspaceId, caller.UserId, cancellationToken))?.Role switch
        {
            null => Error.NotFound("Workspace not found."),
            WorkspaceRole.Admin => null,
            _ => NotAnAdmin,
        };
    }

    public static Error LastAdmin { get; } = Error.Conflict("The workspace must keep at least one admin; make another member admin first.");

    public static Error FirstMemberIsAdmin { get; } = Error.Conflict("The workspace has no admin yet: add its first member as an admin, then the others.");
}
