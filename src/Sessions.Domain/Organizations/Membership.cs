using Sessions.Domain.Common;
using Sessions.Domain.Organizations.Events;

namespace Sessions.Domain.Organizations;

/// <summary>A member's role in a workspace.</summary>
public enum WorkspaceRole
{
    Admin,
    Member,
    Viewer,
}

/// <summary>A user's membership of a workspace, with the role that decides what they may change.</summary>
public sealed class Membership : AggregateRoot
{
    private Membership()
    {
    }

    public Guid WorkspaceId { get; private set; }

    public Guid UserId { get; private set; }

    public WorkspaceRole Role { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>
    /// When the member first used the workspace with a token of their own; null until then. Users
    /// are shared by every tenant, so until they have come, the workspace knows them by id alone:
    /// adding a user names them, it does not show who they are.
    /// </summary>
    public DateTime? JoinedAt { get; private set; }

    public static Membership Create(Guid workspaceId, Guid userId, WorkspaceRole role, DateTime now)
    {
        var membership = new Membership { WorkspaceId = workspaceId, UserId = userId, Role = role, CreatedAt = now, UpdatedAt = now };
        membership.Raise(new MemberRoleSet(workspaceId, userId, role, now));
        return membership;
    }

    /// <summary>A membership the user takes themselves (Development's token endpoint): joined from the start.</summary>
    public static Membership Join(Guid workspaceId, Guid userId, WorkspaceRole role, DateTime now)
    {
        var membership = Create(workspaceId, userId, role, now);
        membership.JoinedAt = now;
        return membership;
    }

    public void ChangeRole(WorkspaceRole role, DateTime now)
    {
        if (Role == role)
        {
            return;
        }

        Role = role;
        UpdatedAt = now;
        Raise(new MemberRoleSet(WorkspaceId, UserId, role, now));
    }

    /// <summary>Records the member's removal; the repository deletes the row.</summary>
    public void Remove(DateTime now) => Raise(new MemberRemoved(WorkspaceId, UserId, now));
}
