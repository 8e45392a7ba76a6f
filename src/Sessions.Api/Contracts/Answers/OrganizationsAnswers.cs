using Sessions.Domain.Organizations;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

public sealed record MemberList(
    IReadOnlyList<MemberView> Members)
{
    public static MemberList From(App.Organizations.MemberList source) => new(
        [.. source.Members.Select(MemberView.From)]);
}

/// <summary>A member of a workspace: who (as a chip) and with which role.</summary>
public sealed record MemberView(
    UserChip User,
    WorkspaceRole Role,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static MemberView From(App.Organizations.MemberView source) => new(
        UserChip.From(source.User),
        source.Role,
        source.CreatedAt,
        source.UpdatedAt);
}

public sealed record OrganizationView(
    Guid Id,
    string Slug,
    string Name,
    DateTime CreatedAt)
{
    public static OrganizationView From(App.Organizations.OrganizationView source) => new(
        source.Id,
        source.Slug,
        source.Name,
        source.CreatedAt);
}

public sealed record WorkspaceView(
    Guid Id,
    Guid OrganizationId,
    string Slug,
    string Name,
    DateTime CreatedAt)
{
    public static WorkspaceView From(App.Organizations.WorkspaceView source) => new(
        source.Id,
        source.OrganizationId,
        source.Slug,
        source.Name,
        source.CreatedAt);
}
