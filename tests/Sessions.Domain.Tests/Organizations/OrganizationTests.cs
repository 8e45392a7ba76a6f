using Sessions.Domain.Organizations;
using Sessions.Domain.Organizations.Events;

namespace Sessions.Domain.Tests.Organizations;

public sealed class OrganizationTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Organization_IsCreatedWithItsSlug_AndSaysSo()
    {
        var organization = Organization.Create("acme", "Acme", Now);

        Assert.Equal(("acme", "Acme", Now), (organization.Slug, organization.Name, organization.CreatedAt));
        Assert.NotEqual(Guid.Empty, organization.Id);
        Assert.Equal(new OrganizationCreated(organization.Id, "acme", Now), Assert.Single(organization.DomainEvents));
    }

    [Fact]
    public void Workspace_BelongsToItsOrganization_AndSaysSo()
    {
        var organizationId = Guid.NewGuid();

        var workspace = Workspace.Create(organizationId, "research", "Research", Now);

        Assert.Equal((organizationId, "research", "Research", Now), (workspace.OrganizationId, workspace.Slug, workspace.Name, workspace.CreatedAt));
        Assert.Equal(new WorkspaceCreated(workspace.Id, organizationId, "research", Now), Assert.Single(workspace.DomainEvents));
    }

    [Fact]
    public void Membership_RecordsTheRole_AndEveryChangeOfIt_ButNotARepeat()
    {
        var workspace = Guid.NewGuid();
        var user = Guid.NewGuid();
        var membership = Membership.Create(workspace, user, WorkspaceRole.Member, Now);

        membership.ChangeRole(WorkspaceRole.Member, Now.AddMinutes(1));
        membership.ChangeRole(WorkspaceRole.Admin, Now.AddMinutes(2));
        membership.Remove(Now.AddMinutes(3));

        Assert.Equal((workspace, user, WorkspaceRole.Admin), (membership.WorkspaceId, membership.UserId, membership.Role));
        Assert.Equal((Now, Now.AddMinutes(2)), (membership.CreatedAt, membership.UpdatedAt));
        Assert.Equal(
            [
                new MemberRoleSet(workspace, user, WorkspaceRole.Member, Now),
                new MemberRoleSet(workspace, user, WorkspaceRole.Admin, Now.AddMinutes(2)),
                new MemberRemoved(workspace, user, Now.AddMinutes(3)),
            ],
            membership.DomainEvents);
        Assert.Null(membership.JoinedAt);
    }

    [Fact]
    public void Membership_TakenByTheUserThemselves_IsJoinedFromTheStart()
    {
        var workspace = Guid.NewGuid();
        var user = Guid.NewGuid();

        var membership = Membership.Join(workspace, user, WorkspaceRole.Viewer, Now);

        Assert.Equal((workspace, user, WorkspaceRole.Viewer, Now, Now, (DateTime?)Now), (membership.WorkspaceId, membership.UserId, membership.Role, membership.CreatedAt, membership.UpdatedAt, membership.JoinedAt));
        Assert.Equal([new MemberRoleSet(workspace, user, WorkspaceRole.Viewer, Now)], membership.DomainEvents);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("acme-2", true)]
    [InlineData("0", true)]
    [InlineData("-acme", false)]
    [InlineData("Acme", false)]
    [InlineData("ac_me", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("acme\n", false)]
    [InlineData("acme\r\n", false)]
    [InlineData("a\u00e9", false)]
    [InlineData("acme-", true)]
    public void Slug_IsLowercaseLettersDigitsAndHyphens_NotLeadingOne(string? value, bool valid)
    {
        Assert.Equal(valid, Slug.IsValid(value));
    }

    [Fact]
    public void Slug_IsAtMost63Characters()
    {
        Assert.True(Slug.IsValid(new string('a', 63)));
        Assert.False(Slug.IsValid(new string('a', 64)));
    }

    /// <summary>A refused slug is told the rule in words, then as the contract writes it.</summary>
    [Fact]
    public void Slug_Requirement_SaysTheRuleInWordsAndAsThePattern() =>
        Assert.Equal("must be 1 to 63 characters of a-z, 0-9 and '-', not starting with '-' (^[a-z0-9][a-z0-9-]{0,62}$)", Slug.Requirement);
}
