using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;
using DomainWorkspace = Sessions.Domain.Organizations.Workspace;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>A user the tests act as; <see cref="Token"/> mints a token with the given scopes.</summary>
public sealed record TestUser(Guid Id, string Email)
{
    public static readonly string[] ReadWrite = [Scopes.SessionsRead, Scopes.SessionsWrite];

    public string Token(params string[] scopes) => TestTokens.Create(Id, scopes.Length == 0 ? ReadWrite : scopes, Email);
}

/// <summary>A fresh organization and workspace of one test, with helpers to add members.</summary>
public sealed class TestWorkspace(ApiFactory factory, string org, string workspace, Guid organizationId, Guid workspaceId)
{
    public string Org { get; } = org;

    public string Workspace { get; } = workspace;

    public Guid OrganizationId { get; } = organizationId;

    public Guid WorkspaceId { get; } = workspaceId;

    public string SessionsPath => $"/api/v1/org/{Org}/ws/{Workspace}/sessions";

    public string SessionPath(string idOrPrefix) => $"{SessionsPath}/{idOrPrefix}";

    public string SessionPath(Guid id) => SessionPath(id.ToString());

    public static async Task<TestWorkspace> CreateAsync(ApiFactory factory, string? org = null)
    {
        var now = DateTime.UtcNow;
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return await factory.WithDbAsync(async db =>
        {
            var organization = org is null ? null : db.Organizations.FirstOrDefault(o => o.Slug == org);
            if (organization is null)
            {
                organization = Organization.Create(org ?? $"org-{suffix}", "Test org", now);
                db.Organizations.Add(organization);
            }

            var space = DomainWorkspace.Create(organization.Id, $"ws-{suffix}", "Test workspace", now);
            db.Workspaces.Add(space);
            await db.SaveChangesAsync();
            return new TestWorkspace(factory, organization.Slug, space.Slug, organization.Id, space.Id);
        });
    }

    /// <summary>A new user who is a member of this workspace with the given role.</summary>
    public async Task<TestUser> AddMemberAsync(WorkspaceRole role = WorkspaceRole.Member)
    {
        var now = DateTime.UtcNow;
        var id = Guid.NewGuid();
        var email = $"{role.ToString().ToLowerInvariant()}-{id.ToString("N")[..8]}@example.com";
        await factory.WithDbAsync(async db =>
        {
            db.Users.Add(User.Create(id, email, $"Test {role}", email.Split('@')[0], now));
            db.Memberships.Add(Membership.Create(WorkspaceId, id, role, now));
            await db.SaveChangesAsync();
        });
        return new TestUser(id, email);
    }
}
