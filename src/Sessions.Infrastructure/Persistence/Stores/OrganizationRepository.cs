using Microsoft.EntityFrameworkCore;
using Sessions.Application.Organizations;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class OrganizationRepository(SessionsDbContext db) : IOrganizationRepository
{
    public Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.SingleOrDefaultAsync(o => o.Slug == slug, cancellationToken);

    public Task<bool> WorkspaceExistsAsync(Guid organizationId, string slug, CancellationToken cancellationToken) =>
        db.Workspaces.AnyAsync(w => w.OrganizationId == organizationId && w.Slug == slug, cancellationToken);

    public Task<Membership?> FindMembershipAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        db.Memberships.SingleOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, cancellationToken);

    /// <summary>
    /// The workspace's row, locked: on SQLite the transaction already holds the database's only
    /// write lock (the writer gate and <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    public async Task LockMembersAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        switch (db.Provider)
        {
            case DatabaseProvider.Postgres:
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM workspaces WHERE id = {workspaceId} FOR UPDATE", cancellationToken);
                break;
            case DatabaseProvider.SqlServer:
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT id FROM workspaces WITH (UPDLOCK, HOLDLOCK) WHERE id = {workspaceId}", cancellationToken);
                break;
        }
    }

    public Task<int> CountAdminsAsync(Guid workspaceId, CancellationToken cancellationToken) =>
        db.Memberships.CountAsync(m => m.WorkspaceId == workspaceId && m.Role == WorkspaceRole.Admin, cancellationToken);

    public async Task<User> FindOrAddUserAsync(Guid id, DateTime now, CancellationToken cancellationToken)
    {
        if (await FindUserAsync(id, cancellationToken) is { } existing)
        {
            return existing;
        }

        await UserRows.InsertIfAbsentAsync(db, User.Unprofiled(id, now), cancellationToken);
        return await FindUserAsync(id, cancellationToken) ?? throw new InvalidOperationException($"The user row {id} was neither found nor written.");
    }

    private Task<User?> FindUserAsync(Guid id, CancellationToken cancellationToken) =>
        db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);

    public void Add(Organization organization) => db.Organizations.Add(organization);

    public void Add(Workspace workspace) => db.Workspaces.Add(workspace);

    public void Add(Membership membership) => db.Memberships.Add(membership);

    public void Remove(Membership membership) => db.Memberships.Remove(membership);
}
