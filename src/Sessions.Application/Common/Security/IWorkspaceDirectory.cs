namespace Sessions.Application.Common.Security;

/// <summary>Looks up workspaces and memberships, and keeps user rows in step with token claims.</summary>
public interface IWorkspaceDirectory
{
    /// <summary>
    /// The caller's membership of the workspace, or null when either does not exist or they are not
    /// a member. Asked with the member's own token, so the first answer records that they joined.
    /// </summary>
    Task<WorkspaceMembership?> FindMembershipAsync(string org, string workspace, Guid userId, CancellationToken cancellationToken);

    /// <summary>The workspace's identity, whoever asks; for platform admins, who need no membership.</summary>
    Task<WorkspaceMembership?> FindWorkspaceAsync(string org, string workspace, CancellationToken cancellationToken);

    /// <summary>
    /// The workspace's members, each with their profile once they have joined: those shown with an
    /// email first, by it, then the others (not joined, or joined without an email) by id.
    /// </summary>
    Task<IReadOnlyList<Organizations.MemberView>> ListMembersAsync(Guid workspaceId, CancellationToken cancellationToken);

    /// <summary>Creates the user on first sight and refreshes email and names from later tokens.</summary>
    Task ProvisionUserAsync(ICurrentUser user, CancellationToken cancellationToken);
}
