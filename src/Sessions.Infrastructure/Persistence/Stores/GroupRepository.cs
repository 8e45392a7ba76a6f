using Microsoft.EntityFrameworkCore;
using Sessions.Application.Groups;
using Sessions.Domain.Groups;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class GroupRepository(SessionsDbContext db) : IGroupRepository
{
    public Task<SessionGroup?> GetForUpdateAsync(Guid workspaceId, Guid groupId, CancellationToken cancellationToken) =>
        db.Groups.TagWith(RowLockInterceptor.GroupTag).SingleOrDefaultAsync(g => g.Id == groupId && g.WorkspaceId == workspaceId, cancellationToken);

    public void Add(SessionGroup group) => db.Groups.Add(group);
}
