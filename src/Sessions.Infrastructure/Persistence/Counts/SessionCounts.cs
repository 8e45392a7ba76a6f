using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions.List;
using Sessions.Infrastructure.Persistence.Stores;

namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>One facet count: a dimension, the label key for labels, a value and how many sessions have it.</summary>
internal sealed record FacetRow(string Dimension, string Key, string Value, long Count);

/// <summary>
/// Answers from <see cref="SessionCount"/> what only the visibility rule and the filters on owner,
/// origin and archived state decide: facets, and a listing's total (also with one label).
/// </summary>
internal static class SessionCounts
{
    /// <summary>The counts can give the facets when no filter looks at agent, model, project, labels or text.</summary>
    public static bool AnswersFacets(SessionCriteria criteria) =>
        criteria is { ProjectIds.Count: 0, Agents.Count: 0, Models.Count: 0, LabelGroups.Count: 0, Search: null };

    /// <summary>
    /// The dimension whose counts sum to a listing's total, when the counts can give it: the origin
    /// (every session has one), or the one label asked for.
    /// </summary>
    public static (string Dimension, LabelMatch? Label)? Answer(SessionCriteria criteria) => criteria switch
    {
        { ProjectIds.Count: 0, Agents.Count: 0, Models.Count: 0, Search: null, LabelGroups.Count: 0 } => (Dimensions.Origin, null),
        { ProjectIds.Count: 0, Agents.Count: 0, Models.Count: 0, Search: null, LabelGroups: [[var label]] } => (Dimensions.Label, label),
        _ => null,
    };

    public static IQueryable<SessionCount> For(SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, (string Dimension, LabelMatch? Label) answer)
    {
        var counts = Visible(db, audience, criteria).Where(c => c.Dimension == answer.Dimension);
        return answer.Label is { } label ? counts.Where(c => c.Key == label.Key && c.Value == label.Value) : counts;
    }

    /// <summary>Every facet count in one grouped statement over a few rows.</summary>
    public static async Task<IReadOnlyList<FacetRow>> FacetRowsAsync(SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, CancellationToken cancellationToken) =>
        await Visible(db, audience, criteria)
            .GroupBy(c => new { c.Dimension, c.Key, c.Value })
            .Select(g => new { g.Key.Dimension, g.Key.Key, g.Key.Value, Count = g.Sum(c => c.Count) })
            .Where(g => g.Count > 0)
            .Select(g => new FacetRow(g.Dimension, g.Key, g.Value, g.Count))
            .ToListAsync(cancellationToken);

    /// <summary>What the visibility rule reads of a count's row: the sessions it counts share their workspace, owner and shared state.</summary>
    private static readonly Expression<Func<SessionCount, VisibilityFacts>> CountFacts = c => new VisibilityFacts(c.WorkspaceId, c.OwnerId, c.Shared == 1);

    /// <summary>
    /// The counts of what the audience sees (the visibility rule every read applies), narrowed by
    /// the owner, origin and archived filters (the same rules as listing, in one shape: <see cref="GivenFilters"/>).
    /// </summary>
    private static IQueryable<SessionCount> Visible(SessionsDbContext db, SessionAudience audience, SessionCriteria criteria)
    {
        var given = GivenFilters.Of(criteria);
        var origins = given.OriginNames;
        return db.SessionCounts.AsNoTracking().Where(audience.Sees(CountFacts))
            .Where(c => EF.Parameter(given.Owners) == null || given.Owners!.Contains(c.OwnerId))
            .Where(c => EF.Parameter(origins) == null || origins!.Contains(c.Origin))
            .Where(c => EF.Parameter(given.WithoutWorkloads) == null || c.Origin != nameof(Domain.Sessions.SessionOrigin.Eval))
            .Where(c => EF.Parameter(given.ActiveOnly) == null || c.Archived == 0)
            .Where(c => EF.Parameter(given.ArchivedOnly) == null || c.Archived == 1);
    }
}
