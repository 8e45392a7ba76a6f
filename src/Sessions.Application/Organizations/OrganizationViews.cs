using Sessions.Application.Sessions;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Application.Organizations;

public sealed record OrganizationView(Guid Id, string Slug, string Name, DateTime CreatedAt);

public sealed record WorkspaceView(Guid Id, Guid OrganizationId, string Slug, string Name, DateTime CreatedAt);

/// <summary>A member of a workspace: who (as a chip) and with which role.</summary>
public sealed record MemberView(UserChip User, WorkspaceRole Role, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>
    /// The member as the workspace knows them: their profile once they have joined
    /// (<see cref="Membership.JoinedAt"/>), by id alone before. The members list's query
    /// (<c>WorkspaceDirectory.ListMembersAsync</c>) applies the same rule in SQL.
    /// </summary>
    public static MemberView Of(User user, Membership membership) => new(
        membership.JoinedAt is null ? new UserChip(user.Id, null, null, null) : new UserChip(user.Id, user.Email, user.FullName, user.Username),
        membership.Role,
        membership.CreatedAt,
        membership.UpdatedAt);
}

public sealed record MemberList(IReadOnlyList<MemberView> Members);
