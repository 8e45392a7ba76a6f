using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Infrastructure.Development;

/// <summary>
/// Development only: makes sure a user, organization, workspace and membership exist, creating
/// what is missing, so a developer can get a working token with one request. Requests racing to
/// create the same rows (a test harness asking for many tokens of a new organization at once) each
/// get their token: the one that lost a race looks again and finds what the other created.
/// </summary>
public sealed class DevelopmentIdentity(SessionsDbContext db, TimeProvider clock, MembershipCache memberships, IDatabaseErrorClassifier errors)
{
    /// <summary>Each lost race is over a keyed row (organization, workspace, membership) that the next attempt finds: three can be lost.</summary>
    private const int MaxAttempts = 5;

    public async Task<User> EnsureMemberAsync(string email, string? name, string org, string workspace, WorkspaceRole role, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EnsureOnceAsync(email, name, org, workspace, role, cancellationToken);
            }
            catch (DbUpdateException exception) when (attempt < MaxAttempts && errors.Classify(exception)?.Type == ErrorType.AlreadyExists)
            {
                db.Discard();
            }
        }
    }

    /// <summary>
    /// The start's seed: the user, organization, workspace and membership when the organization
    /// does not exist yet. Once it does, a start changes nothing: an admin's removal or change of
    /// the seeded member stands, whichever instance starts next. Answers the seeded user while they
    /// are a member of the workspace in the seeded role, and null otherwise.
    /// </summary>
    public async Task<User?> SeedAsync(string email, string name, string org, string workspace, WorkspaceRole role, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AsNoTracking().AnyAsync(o => o.Slug == org, cancellationToken))
        {
            return await EnsureMemberAsync(email, name, org, workspace, role, cancellationToken);
        }

        return await (
            from user in db.Users.AsNoTracking()
            where user.Email == email
                && db.Memberships.Any(m => m.UserId == user.Id && m.Role == role
                    && db.Workspaces.Any(w => w.Id == m.WorkspaceId && w.Slug == workspace
                        && db.Organizations.Any(o => o.Id == w.OrganizationId && o.Slug == org)))
            select user).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<User> EnsureOnceAsync(string email, string? name, string org, string workspace, WorkspaceRole role, CancellationToken cancellationToken)
    {
        var now = clock.UtcNow();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (user is null)
        {
            user = User.Create(Guid.CreateVersion7(now), email, name, email.Split('@')[0], now);
            db.Users.Add(user);
        }
        else
        {
            user.UpdateProfile(email, name, null, now);
        }

        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Slug == org, cancellationToken);
        if (organization is null)
        {
            organization = Organization.Create(org, org, now);
            db.Organizations.Add(organization);
        }

        var space = await db.Workspaces.FirstOrDefaultAsync(w => w.OrganizationId == organization.Id && w.Slug == workspace, cancellationToken);
        if (space is null)
        {
            space = Workspace.Create(organization.Id, workspace, workspace, now);
            db.Workspaces.Add(space);
        }

        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.WorkspaceId == space.Id && m.UserId == user.Id, cancellationToken);
        if (membership is null)
        {
            db.Memberships.Add(Membership.Join(space.Id, user.Id, role, now));
        }
        else
        {
            membership.ChangeRole(role, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        memberships.Clear();
        return user;
    }
}
