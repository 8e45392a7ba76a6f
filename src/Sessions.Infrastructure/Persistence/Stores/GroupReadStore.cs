using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Groups;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// Groups as the caller sees them. Every count and every list of a group's sessions goes through
/// the (group_id, updated_at) index of the sessions and the visibility rule of the sessions, so a
/// group's numbers never include a session its reader could not open.
/// </summary>
internal sealed class GroupReadStore(SessionsDbContext db) : IGroupReadStore
{
    public Task<bool> ExistsAsync(Guid workspaceId, Guid groupId, CancellationToken cancellationToken) =>
        db.Groups.AsNoTracking().AnyAsync(g => g.Id == groupId && g.WorkspaceId == workspaceId, cancellationToken);

    public async Task<GroupRead?> FindAsync(GroupAudience audience, Guid groupId, CancellationToken cancellationToken) =>
        (await WithCreators(Visible(audience).Where(g => g.Id == groupId)).ToListAsync(cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyDictionary<Guid, GroupCounts>> CountsAsync(
        SessionAudience audience, IReadOnlyCollection<Guid> groupIds, SessionCriteria criteria, CancellationToken cancellationToken)
    {
        if (groupIds.Count == 0)
        {
            return new Dictionary<Guid, GroupCounts>();
        }

        var ofGroups = OfGroups(audience, criteria);
        var sums = ofGroups
            .Where(s => s.GroupId != null && groupIds.Contains(s.GroupId.Value))
            .Select(s => new
            {
                GroupId = s.GroupId!.Value,
                Active = s.ArchivedAt == null ? 1L : 0L,
                s.TotalUsage.MessageCount,
                s.TotalUsage.InputTokens,
                s.TotalUsage.OutputTokens,
                s.TotalUsage.CacheReadInputTokens,
                s.TotalUsage.CacheCreationInputTokens,
                s.TotalUsage.ToolCallCount,
                s.TotalUsage.CostUsd,
                s.TotalUsage.UncostedUsageCount,
                CurrentMessageCount = s.CurrentUsage.MessageCount,
                CurrentInputTokens = s.CurrentUsage.InputTokens,
                CurrentOutputTokens = s.CurrentUsage.OutputTokens,
                CurrentCacheReadInputTokens = s.CurrentUsage.CacheReadInputTokens,
                CurrentCacheCreationInputTokens = s.CurrentUsage.CacheCreationInputTokens,
                CurrentToolCallCount = s.CurrentUsage.ToolCallCount,
                CurrentCostUsd = s.CurrentUsage.CostUsd,
                CurrentUncostedUsageCount = s.CurrentUsage.UncostedUsageCount,
            })
            .GroupBy(s => s.GroupId)
            .Select(g => new
            {
                GroupId = g.Key,
                Count = g.LongCount(),
                Active = g.Sum(s => s.Active),
                Total = new UsageTotals(
                    g.Sum(s => s.MessageCount),
                    g.Sum(s => s.InputTokens),
                    g.Sum(s => s.OutputTokens),
                    g.Sum(s => s.CacheReadInputTokens),
                    g.Sum(s => s.CacheCreationInputTokens),
                    g.Sum(s => s.ToolCallCount),
                    g.Sum(s => s.CostUsd),
                    g.Sum(s => s.UncostedUsageCount)),
                Current = new UsageTotals(
                    g.Sum(s => s.CurrentMessageCount),
                    g.Sum(s => s.CurrentInputTokens),
                    g.Sum(s => s.CurrentOutputTokens),
                    g.Sum(s => s.CurrentCacheReadInputTokens),
                    g.Sum(s => s.CurrentCacheCreationInputTokens),
                    g.Sum(s => s.CurrentToolCallCount),
                    g.Sum(s => s.CurrentCostUsd),
                    g.Sum(s => s.CurrentUncostedUsageCount)),
            });

        // The latest generation of a group is that of its session whose last generation is the
        // newest; one without its time (written by an instance from before the column) comes last
        // on every database (PostgreSQL would sort a null first). It is read beside the sums in the
        // same statement, group by group, matched on the group's own id: a key that cannot be null
        // compares as it is and searches the group index (a nullable one adds "or both null").
        var counted = await (
            from g in db.Groups
            where groupIds.Contains(g.Id)
            join sum in sums on g.Id equals sum.GroupId
            select new
            {
                Sums = sum,
                LastGeneration = ofGroups
                    .Where(s => s.GroupId == g.Id && s.LastGenerationInputTokens != null)
                    .OrderByDescending(s => s.LastGenerationAt != null).ThenByDescending(s => s.LastGenerationAt).ThenByDescending(s => s.Id)
                    .Select(s => s.LastGenerationInputTokens)
                    .FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        return counted.ToDictionary(
            c => c.Sums.GroupId,
            c => new GroupCounts(c.Sums.Count, c.Sums.Active, UsageView.From(c.Sums.Total, c.Sums.Current, c.LastGeneration)));
    }

    public async Task<IReadOnlyList<SessionView>> SessionsAsync(
        SessionAudience audience, Guid groupId, SessionCriteria criteria, int take, CancellationToken cancellationToken)
    {
        var ids = await OfGroups(audience, criteria)
            .Where(s => s.GroupId == groupId)
            .SortedBy(SessionSortField.UpdatedAt, SortDirection.Desc)
            .Select(s => s.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
        return await db.ViewsInOrderAsync(audience, ids, cancellationToken);
    }

    public async Task<(IReadOnlyList<GroupRead> Groups, long Total)> ListAsync(
        GroupAudience audience, GroupCriteria groups, SessionCriteria criteria, bool narrowBySessions, int skip, int take, CancellationToken cancellationToken)
    {
        // One shape whatever group filters are given (GivenFilters): a filter not given is null.
        var statuses = groups.Statuses.Count > 0 ? groups.Statuses : null;
        var kinds = groups.Kinds.Count > 0 ? groups.Kinds : null;
        var projects = groups.ProjectIds.Count > 0 ? groups.ProjectIds : null;
        var listed = Visible(audience)
            .Where(g => EF.Parameter(statuses) == null || statuses!.Contains(g.Status))
            .Where(g => EF.Parameter(kinds) == null || kinds!.Contains(g.Kind))
            .Where(g => EF.Parameter(projects) == null || projects!.Contains(g.ProjectId));

        if (narrowBySessions)
        {
            var matching = OfGroups(audience.Sessions, criteria);
            listed = listed.Where(g => matching.Any(s => s.GroupId == g.Id));
        }

        var page = listed.OrderByDescending(g => g.CreatedAt).ThenByDescending(g => g.Id).Skip(skip).Take(take);
        var rows = await WithCreators(page).ToListAsync(cancellationToken);
        var total = LastPage.Total(rows.Count, skip, take) ?? await listed.LongCountAsync(cancellationToken);
        return ([.. rows.OrderByDescending(r => r.Group.CreatedAt).ThenByDescending(r => r.Group.Id)], total);
    }

    public async Task<(IReadOnlyList<(GroupRead? Group, IReadOnlyList<SessionView> Sessions, long Count)> Buckets, long Total)> GroupedAsync(
        SessionAudience audience, SessionCriteria criteria, int skip, int take, int perGroup, CancellationToken cancellationToken)
    {
        var ofGroups = OfGroups(audience, criteria);
        var groupsOfWorkspace = db.Groups.Where(g => g.WorkspaceId == audience.WorkspaceId);

        // The groups' buckets, newest activity first: the workspace's groups, each with the count and
        // the newest update of its matching sessions, found group by group through the group index,
        // not by grouping every session of the workspace (ADR 0084).
        var groupBuckets =
            from g in groupsOfWorkspace
            from s in ofGroups
            where s.GroupId == g.Id
            group s.UpdatedAt by g.Id into bucket
            select new { GroupId = bucket.Key, Count = bucket.LongCount(), Latest = bucket.Max() };
        var groupPage = await groupBuckets
            .OrderByDescending(b => b.Latest)
            .ThenByDescending(b => b.GroupId)
            .Skip(skip)
            .Take(take)
            .ToListAsync(cancellationToken);
        var groupCount = LastPage.Total(groupPage.Count, skip, take)
            ?? await groupsOfWorkspace.LongCountAsync(g => ofGroups.Any(s => s.GroupId == g.Id), cancellationToken);

        // The bucket of no group comes after every group's; a session whose group_id names no group
        // of the workspace counts in it. Its count is read when the page holds it, otherwise only
        // whether it is there, for the total.
        var ungrouped = Children(audience, criteria)
            .Where(s => s.GroupId == null || !groupsOfWorkspace.Any(g => g.Id == s.GroupId));
        var ungroupedOnPage = skip <= groupCount && groupCount < skip + take;
        var ungroupedCount = ungroupedOnPage ? await ungrouped.LongCountAsync(cancellationToken) : 0;
        var hasUngrouped = ungroupedOnPage ? ungroupedCount > 0 : await ungrouped.AnyAsync(cancellationToken);
        var total = groupCount + (hasUngrouped ? 1 : 0);
        List<(Guid? GroupId, long Count)> page = [.. groupPage.Select(b => ((Guid?)b.GroupId, b.Count))];
        if (ungroupedCount > 0)
        {
            page.Add((null, ungroupedCount));
        }

        if (page.Count == 0)
        {
            return ([], total);
        }

        var groupIds = page.Where(b => b.GroupId is not null).Select(b => b.GroupId!.Value).ToList();
        var groupReads = await WithCreators(db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id))).ToDictionaryAsync(r => r.Group.Id, cancellationToken);

        // The first sessions of every group on the page in one statement: a ranked window per
        // group over the sessions of the page's groups only, not over every session of the workspace.
        var ofPage = ofGroups.Where(s => s.GroupId != null && groupIds.Contains(s.GroupId.Value));
        var grouped = groupIds.Count == 0
            ? []
            : (await db.Groups.AsNoTracking()
                .Where(g => groupIds.Contains(g.Id))
                .Select(g => new
                {
                    g.Id,
                    Sessions = ofPage.Where(s => s.GroupId == g.Id)
                        .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
                        .Take(perGroup)
                        .Select(s => new { s.Id, s.UpdatedAt })
                        .ToList(),
                })
                .ToListAsync(cancellationToken))
                .SelectMany(g => g.Sessions.Select(s => new { GroupId = (Guid?)g.Id, s.Id, s.UpdatedAt }))
                .ToList();
        var firstUngrouped = ungroupedCount > 0
            ? await ungrouped
                .SortedBy(SessionSortField.UpdatedAt, SortDirection.Desc)
                .Take(perGroup)
                .Select(s => new { GroupId = (Guid?)null, s.Id, s.UpdatedAt })
                .ToListAsync(cancellationToken)
            : [];

        var firsts = grouped.Concat(firstUngrouped)
            .GroupBy(s => s.GroupId)
            .ToDictionary(g => g.Key ?? Guid.Empty, g => g.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id).Select(s => s.Id).ToList());
        var views = (await db.ViewsInOrderAsync(audience, [.. firsts.Values.SelectMany(ids => ids)], cancellationToken)).ToDictionary(v => v.Id);
        return ([.. page.Select(b => (
            b.GroupId is { } id ? groupReads[id] : null,
            (IReadOnlyList<SessionView>)[.. firsts.GetValueOrDefault(b.GroupId ?? Guid.Empty, []).Where(views.ContainsKey).Select(i => views[i])],
            b.Count))], total);
    }

    /// <summary>
    /// The workspace's groups the audience sees: every group for an admin, otherwise those they
    /// created and those holding a session they may open.
    /// </summary>
    private IQueryable<SessionGroup> Visible(GroupAudience audience)
    {
        var inWorkspace = db.Groups.AsNoTracking().Where(g => g.WorkspaceId == audience.Sessions.WorkspaceId);
        if (audience.SeesAllGroups)
        {
            return inWorkspace;
        }

        var visibleSessions = db.Sessions.VisibleTo(audience.Sessions);
        return inWorkspace.Where(g => g.CreatedBy == audience.UserId || visibleSessions.Any(s => s.GroupId == g.Id));
    }

    private IQueryable<Session> Children(SessionAudience audience, SessionCriteria criteria) =>
        db.Sessions.AsNoTracking().VisibleTo(audience).Matching(criteria, db);

    /// <summary>
    /// The same sessions, for a read that names their groups: the workspace's condition is kept and
    /// not sought by an index, so SQLite finds the sessions through the group index (ADR 0082).
    /// </summary>
    private IQueryable<Session> OfGroups(SessionAudience audience, SessionCriteria criteria) =>
        db.Sessions.AsNoTracking().Where(audience.Sees(FactsSoughtByGroup)).Matching(criteria, db);

    /// <summary>A session's visibility facts, its workspace <see cref="SessionQueries.NotSought"/>.</summary>
    private static readonly Expression<Func<Session, VisibilityFacts>> FactsSoughtByGroup =
        s => new VisibilityFacts(SessionQueries.NotSought(s.WorkspaceId), s.UserId, s.Visibility == SessionVisibility.Workspace);

    private IQueryable<GroupRead> WithCreators(IQueryable<SessionGroup> groups) =>
        from g in groups
        join creator in db.Users on g.CreatedBy equals creator.Id into creators
        from creator in creators.DefaultIfEmpty()
        select new GroupRead(g, creator == null ? null : new UserChip(creator.Id, creator.Email, creator.FullName, creator.Username));
}
