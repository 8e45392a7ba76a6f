using Sessions.Application.Sessions.List;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// The list filters as the parameters of a query of one shape: each null when it is not given.
/// EF Core makes a statement for each pattern of null parameters and leaves a filter written
/// <c>EF.Parameter(f) == null || ...</c> out of it when <c>f</c> is null, so each statement is the
/// one the given filters would make alone, while the query is compiled once whatever filters are
/// given (ADR 0055). <see cref="WithoutWorkloads"/>, <see cref="ActiveOnly"/> and
/// <see cref="ArchivedOnly"/> are true or null: switches whose value is never read.
/// </summary>
internal sealed record GivenFilters(
    IReadOnlyList<Guid>? Owners,
    IReadOnlyList<Guid>? Projects,
    IReadOnlyList<string>? Agents,
    IReadOnlyList<string>? Models,
    IReadOnlyList<SessionOrigin>? Origins,
    bool? WithoutWorkloads,
    bool? ActiveOnly,
    bool? ArchivedOnly)
{
    public static GivenFilters Of(SessionCriteria criteria) => new(
        criteria.Owners,
        Given(criteria.ProjectIds),
        Given(criteria.Agents),
        Given(criteria.Models),
        Given(criteria.Origins),
        criteria.IncludeWorkloadSessions ? null : true,
        criteria.Archived == ArchivedFilter.Active ? true : null,
        criteria.Archived == ArchivedFilter.Archived ? true : null);

    /// <summary>
    /// Whether <paramref name="criteria"/> gives a filter by values (owner, project, agent, model,
    /// origin), labels or text: a listing by none of them leaves those filters out of its query, a
    /// shape of its own.
    /// </summary>
    public static bool Narrowing(SessionCriteria criteria) =>
        criteria is not { Owners: null, ProjectIds.Count: 0, Agents.Count: 0, Models.Count: 0, Origins.Count: 0, LabelGroups.Count: 0, Search: null };

    /// <summary>The origins as stored (their names), for rows that keep them as text.</summary>
    public IReadOnlyList<string>? OriginNames => Origins is null ? null : [.. Origins.Select(o => o.ToString())];

    private static IReadOnlyList<T>? Given<T>(IReadOnlyList<T> values) => values.Count > 0 ? values : null;
}
