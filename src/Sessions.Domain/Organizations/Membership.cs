namespace Sessions.Domain.Organizations;

/// <summary>A member's role in a workspace.</summary>
public enum WorkspaceRole
{
    Admin,
    Member,
    Viewer,
}

/// <summary>A user's membership of a workspace, with the role that decides what they may change.</summary>
public sealed class Membership
{
    private Membership()
    {
    }

    public Guid WorkspaceId { get; private set; }

    public Guid UserId { get; private set; }

    public WorkspaceRole Role { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public static Membership Create(Guid workspaceId, Guid userId, WorkspaceRole role, DateTime now) =>
        new() { WorkspaceId = workspaceId, UserId = userId, Role = role, CreatedAt = now, UpdatedAt = now };

    public void ChangeRole(WorkspaceRole role, DateTime now)
    {
        if (Role == role)
        {
            return;
        }

        Role = role;
        UpdatedAt = now;
    }
}
