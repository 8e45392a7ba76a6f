using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class WorkspaceDirectory(
    SessionsDbContext db,
    TimeProvider clock,
    ProvisionedUsers recentlyProvisioned,
    MembershipCache memberships,
    SqliteWriterGate writers)
    : IWorkspaceDirectory
{
    private static readonly TimeSpan ProvisionedFor = TimeSpan.FromMinutes(5);

    /// <summary>
    /// From <see cref="MembershipCache"/> while it holds an answer, else one statement, whose answer
    /// is kept in the cache's generation the lookup began in (a change committed meanwhile ends it).
    /// </summary>
    public async Task<WorkspaceMembership?> FindMembershipAsync(string org, string workspace, Guid userId, CancellationToken cancellationToken)
    {
        var answers = memberships.Current;
        if (answers.TryGet(org, workspace, userId, out var cached))
        {
            return cached;
        }

        var found = await (from m in db.Memberships.AsNoTracking()
                           join w in db.Workspaces on m.WorkspaceId equals w.Id
                           join o in db.Organizations on w.OrganizationId equals o.Id
                           where o.Slug == org && w.Slug == workspace && m.UserId == userId
                           select new { Membership = new WorkspaceMembership(o.Id, w.Id, m.Role), Joined = m.JoinedAt != null }).SingleOrDefaultAsync(cancellationToken);
        if (found is { Joined: false })
        {
            await JoinAsync(found.Membership.WorkspaceId, userId, cancellationToken);
        }

        answers.Set(org, workspace, userId, found?.Membership);
        return found?.Membership;
    }

    /// <summary>
    /// Records a member's first use of the workspace (asked for with their own token), once: from
    /// then on its admins see their profile (<see cref="ListMembersAsync"/>).
    /// </summary>
    private async Task JoinAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow();
        using (await WriterTurnAsync(cancellationToken))
        {
            await db.Memberships
                .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.JoinedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.JoinedAt, now), cancellationToken);
        }
    }

    public Task<WorkspaceMembership?> FindWorkspaceAsync(string org, string workspace, CancellationToken cancellationToken) =>
        (from w in db.Workspaces.AsNoTracking()
         join o in db.Organizations on w.OrganizationId equals o.Id
         where o.Slug == org && w.Slug == workspace
         select new WorkspaceMembership(o.Id, w.Id, WorkspaceRole.Admin)).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The members, each with their profile once they have joined (<see cref="MemberView.Of"/>'s
    /// rule, here in SQL so that it orders the list too): those with an email shown by it, then the
    /// others by id (no missing email is ordered, whose place each database chooses differently).
    /// </summary>
    public async Task<IReadOnlyList<MemberView>> ListMembersAsync(Guid workspaceId, CancellationToken cancellationToken) =>
        await (from m in db.Memberships.AsNoTracking()
               join u in db.Users on m.UserId equals u.Id
               where m.WorkspaceId == workspaceId
               let joined = m.JoinedAt != null
               let byEmail = joined && u.Email != null
               orderby byEmail ? 0 : 1, byEmail ? u.Email : null, u.Id
               select new MemberView(
                   new UserChip(u.Id, joined ? u.Email : null, joined ? u.FullName : null, joined ? u.Username : null),
                   m.Role,
                   m.CreatedAt,
                   m.UpdatedAt)).ToListAsync(cancellationToken);

    /// <summary>
    /// Reads the user row only when the claims are the ones this process last wrote for the user,
    /// less than five minutes ago: tokens repeat their claims on every request, and the row only
    /// needs a look when they change. A user whose tokens alternate between two profiles has the
    /// latest one written; another instance's write is seen within the five minutes.
    /// </summary>
    public async Task ProvisionUserAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        if (user.Id is not { } id)
        {
            return;
        }

        var claims = (user.Email, user.Name, user.Username);
        if (recentlyProvisioned.TryGetValue(id, out (string?, string?, string?) written) && written == claims)
        {
            return;
        }

        await ProvisionAsync(id, user, cancellationToken);
        recentlyProvisioned.Set(id, claims, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ProvisionedFor, Size = 1 });
    }

    /// <summary>
    /// Writes the token's profile on the user's row, creating it with the profile if need be. A row
    /// another request created a moment earlier (the user's other request, or an admin adding them
    /// without a profile) is kept, and its profile updated like any existing row's.
    /// </summary>
    private async Task ProvisionAsync(Guid id, ICurrentUser user, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow();
        var existing = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (existing is null)
        {
            using (await WriterTurnAsync(cancellationToken))
            {
                if (await UserRows.InsertIfAbsentAsync(db, User.Create(id, user.Email, user.Name, user.Username, now), cancellationToken))
                {
                    return;
                }
            }

            existing = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        }

        if (existing is null || !existing.UpdateProfile(user.Email, user.Name, user.Username, now))
        {
            return;
        }

        using (await WriterTurnAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// On SQLite a write takes the process's writer turn like every other: outside it, it would
    /// wait in SQLite's busy-retry behind a writer in its turn, or make one wait there.
    /// </summary>
    private async Task<IDisposable?> WriterTurnAsync(CancellationToken cancellationToken) =>
        db.Provider == DatabaseProvider.Sqlite ? await writers.EnterAsync(cancellationToken) : null;
}

/// <summary>The claims this process last wrote for each user, for five minutes, bounded in size (one entry per user).</summary>
internal sealed class ProvisionedUsers() : MemoryCache(new MemoryCacheOptions { SizeLimit = 100_000 });
