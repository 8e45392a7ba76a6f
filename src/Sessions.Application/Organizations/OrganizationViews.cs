using Sessions.Application.Sessions;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

public sealed record OrganizationView(Guid Id, string Slug, string Name, DateTime CreatedAt);

public sealed record WorkspaceView(Guid Id, Guid OrganizationId, string Slug, string Name, DateTime CreatedAt);

/// <summary>A member of a workspace: who (as a chip) and with which role.</summary>
public sealed record MemberView(UserChip User, WorkspaceRole Role, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record MemberList(IReadOnlyList<MemberView> Members);
