using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Configurations;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionReadStore(SessionsDbContext db) : ISessionReadStore
{
    public async Task<Result<Guid>> ResolveAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken)
    {
        var visible = Visible(audience);
        if (reference.Id is { } id)
        {
            return await visible.AnyAsync(s => s.Id == id, cancellationToken) ? id : SessionErrors.NotFound;
        }

        SessionReference.PrefixRange(reference.Prefix!, out var lower, out var upper);
        var matching = visible.Where(s =>
            string.Compare(EF.Property<string>(s, SessionConfiguration.IdText), lower) >= 0
            && string.Compare(EF.Property<string>(s, SessionConfiguration.IdText), upper) < 0);
        var ids = await matching.Select(s => s.Id).Take(2).ToListAsync(cancellationToken);
        return ids.Count switch
        {
            0 => SessionErrors.NotFound,
            1 => ids[0],
            _ => SessionErrors.Ambiguous(await matching.CountAsync(cancellationToken)),
        };
    }

    public async Task<SessionView?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await (
            from s in db.Sessions.AsNoTracking()
            where s.Id == id
            join creator in db.Users on s.UserId equals creator.Id into creators
            from creator in creators.DefaultIfEmpty()
            join sharer in db.Users on s.SharedBy equals (Guid?)sharer.Id into sharers
            from sharer in sharers.DefaultIfEmpty()
            select new
            {
                Session = s,
                CreatedBy = creator == null ? null : new UserChip(creator.Id, creator.Email, creator.FullName, creator.Username),
                SharedBy = sharer == null ? null : new UserChip(sharer.Id, sharer.Email, sharer.FullName, sharer.Username),
            }).SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : SessionView.From(row.Session, row.CreatedBy, row.SharedBy);
    }

    public async Task<IReadOnlyDictionary<Guid, UserChip>> GetUserChipsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => userIds.Contains(u.Id))
            .Select(u => new UserChip(u.Id, u.Email, u.FullName, u.Username))
            .ToDictionaryAsync(u => u.Id, cancellationToken);

    /// <summary>The sessions of the workspace the audience may see: their own and the shared ones.</summary>
    private IQueryable<Session> Visible(SessionAudience audience)
    {
        var inWorkspace = db.Sessions.AsNoTracking().Where(s => s.WorkspaceId == audience.WorkspaceId);
        return audience.SeesAllSessions
            ? inWorkspace
            : inWorkspace.Where(s => s.UserId == audience.UserId || s.Visibility == SessionVisibility.Workspace);
    }
}
