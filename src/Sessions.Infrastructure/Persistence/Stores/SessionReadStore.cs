using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Facets;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Configurations;
using Sessions.Infrastructure.Persistence.Counts;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence.Stores;

internal sealed class SessionReadStore(SessionsDbContext db, DatabaseOptions database) : ISessionReadStore
{
    public Task<Result<SessionLifeKey>> ResolveAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken) =>
        OneAsync(audience, reference, IdById, IdByPrefix, cancellationToken);

    /// <summary><c>(s, id)</c>: the primary key names at most one row, so its reads have no <c>LIMIT</c>.</summary>
    private static readonly Expression<Func<Session, Guid, bool>> WithId = (s, id) => s.Id == id;

    /// <summary><c>(s, lower, upper)</c>: the range of <see cref="WithPrefix"/>; its reads take two rows, which tell an ambiguous prefix from a unique one.</summary>
    private static readonly Expression<Func<Session, string, string, bool>> IdTextInRange = (s, lower, upper) =>
        string.Compare(EF.Property<string>(s, SessionConfiguration.IdText), lower) >= 0
        && string.Compare(EF.Property<string>(s, SessionConfiguration.IdText), upper) < 0;

    /// <summary>The session's id and life, what a read that only resolves a session answers.</summary>
    private static readonly Expression<Func<Session, SessionLifeKey>> SessionKey = s => new SessionLifeKey(s.Id, s.CreatedAt);

    /// <summary>
    /// The read by full id, the hottest query of the service (every GET and every command about one
    /// session), compiled for each form of the visibility rule (and each model): no expression is
    /// built, walked or looked up in the query cache per request.
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, Guid, Guid, IAsyncEnumerable<SessionRead>>>[] ById =
        InBothForms(seesAll => EF.CompileAsyncQuery(Seen<Func<SessionsDbContext, Guid, Guid, Guid, IQueryable<SessionRead>>>(seesAll, WithId, withChips: true, take: null)));

    /// <summary>
    /// The read by id prefix (a GET or a command by the short id a client shows), compiled and
    /// prepared like the read by full id: a composed statement is parsed and planned by PostgreSQL
    /// on every run, and under load its planning made the tail of these reads
    /// (<c>bench/results/2026-11-29-steady-state.md</c>).
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, Guid, string, string, IAsyncEnumerable<SessionRead>>>[] ByPrefix =
        InBothForms(seesAll => EF.CompileAsyncQuery(Seen<Func<SessionsDbContext, Guid, Guid, string, string, IQueryable<SessionRead>>>(seesAll, IdTextInRange, withChips: true, take: 2)));

    /// <summary>
    /// The id and life of a session the audience sees, by full id or by prefix (the transcript,
    /// events, items and message search of one session), compiled and prepared like the reads above.
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, Guid, Guid, IAsyncEnumerable<SessionLifeKey>>>[] IdById =
        InBothForms(seesAll => EF.CompileAsyncQuery(Seen<Func<SessionsDbContext, Guid, Guid, Guid, IQueryable<SessionLifeKey>>>(seesAll, WithId, withChips: false, take: null)));

    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid, Guid, string, string, IAsyncEnumerable<SessionLifeKey>>>[] IdByPrefix =
        InBothForms(seesAll => EF.CompileAsyncQuery(Seen<Func<SessionsDbContext, Guid, Guid, string, string, IQueryable<SessionLifeKey>>>(seesAll, IdTextInRange, withChips: false, take: 2)));

    public Task<Result<SessionRead>> FindAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken) =>
        OneAsync(audience, reference, ById, ByPrefix, cancellationToken);

    public async Task<Result<(SessionRead Read, string SystemPrompt)>> FindWithSystemPromptAsync(SessionAudience audience, SessionReference reference, CancellationToken cancellationToken)
    {
        await using var snapshot = await OneSnapshot.BeginAsync(db, cancellationToken);
        var found = await FindAsync(audience, reference, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        // No digest, no prompt stored (ADR 0074).
        var session = found.Value.Session;
        return (found.Value, session.SystemPromptDigest is null ? string.Empty : await db.PromptTextAsync(session.Id, cancellationToken));
    }

    /// <summary>
    /// The one session the audience sees by full id or by prefix (CONTRACT 4), by the compiled read
    /// of the audience's form of the visibility rule: none is 404; a prefix that two match is
    /// ambiguous, with the number of matches counted.
    /// </summary>
    private async Task<Result<T>> OneAsync<T>(
        SessionAudience audience,
        SessionReference reference,
        CompiledPerModel<Func<SessionsDbContext, Guid, Guid, Guid, IAsyncEnumerable<T>>>[] byId,
        CompiledPerModel<Func<SessionsDbContext, Guid, Guid, string, string, IAsyncEnumerable<T>>>[] byPrefix,
        CancellationToken cancellationToken)
    {
        var form = audience.SeesAllSessions ? 1 : 0;
        List<T> rows;
        if (reference.Id is { } id)
        {
            rows = await byId[form].For(db)(db, audience.WorkspaceId, audience.UserId, id).ToListAsync(cancellationToken);
        }
        else
        {
            SessionReference.PrefixRange(reference.Prefix!, out var lower, out var upper);
            rows = await byPrefix[form].For(db)(db, audience.WorkspaceId, audience.UserId, lower, upper).ToListAsync(cancellationToken);
        }

        return rows.Count switch
        {
            0 => SessionErrors.NotFound,
            1 => rows[0],
            _ => SessionErrors.Ambiguous(await WithPrefix(db.Sessions.AsNoTracking().VisibleTo(audience), reference.Prefix!).CountAsync(cancellationToken)),
        };
    }

    public async Task<(IReadOnlyList<SessionView> Sessions, long Total)> ListAsync(
        SessionAudience audience,
        SessionCriteria criteria,
        SessionSortField sort,
        SortDirection direction,
        int skip,
        int take,
        CancellationToken cancellationToken)
    {
        // Where statements are kept with their plans (SQLite's kept statements) or not prepared at
        // all, the page is one statement: the page is a subquery (its ORDER BY, OFFSET and LIMIT),
        // the chips and the labels are joined to its rows, and the outer query keeps the page's
        // order. PostgreSQL would plan that join on every run, so where it prepares statements the
        // page's ids come first and its sessions by one prepared statement of a fixed form. The
        // page tests the sessions' folded labels before their label rows (ADR 0035). There the first
        // page of the default size carries its limit as a literal, so PostgreSQL plans it once (ADR 0036).
        // Either way the browsing a frontend opens with is a compiled query of its shape (ADR 0059).
        var prepares = database is { Provider: DatabaseProvider.Postgres, PrepareStatements: true };
        var browsing = Browsing.Serves(criteria, sort);
        var answer = SessionCounts.Answer(criteria);
        IReadOnlyList<SessionView> sessions;
        int onPage;
        long? counted = null;
        if (prepares)
        {
            List<Guid> ids;
            if (answer is { } dimension)
            {
                var rows = await (browsing
                    ? Browsing.Ids(db, audience, criteria, sort, direction, skip, take)
                    : IdsWithTotal(db, audience, criteria, dimension, sort, direction, skip, take).AsAsyncEnumerable()).ToListAsync(cancellationToken);
                ids = [.. rows.Select(r => r.Id)];
                counted = rows.Count > 0 ? rows[0].Total : null;
            }
            else
            {
                ids = await PageOf(db, audience, criteria, sort, direction, skip, take, prepares).Ids.ToListAsync(cancellationToken);
            }

            sessions = await db.ViewsInOrderAsync(audience, ids, cancellationToken);
            onPage = ids.Count;
        }
        else
        {
            var page = browsing
                ? Browsing.Sessions(db, audience, criteria, sort, direction, skip, take)
                : db.WithChips(PageOf(db, audience, criteria, sort, direction, skip, take, prepares).Sessions).AsAsyncEnumerable();
            sessions = [.. (await page.ToListAsync(cancellationToken)).Select(r => r.ToView())];
            onPage = sessions.Count;
        }

        // A page that is not full tells the total itself (a search, a filter with few matches, a
        // short workspace). A full or empty page past the first leaves the total to a count, unless
        // its ids carried it. (On PostgreSQL the page is its ids: a session deleted between the two
        // statements still counts, as in a count taken a moment earlier.)
        if (LastPage.Total(onPage, skip, take) is { } last)
        {
            return (sessions, last);
        }

        var total = counted
            ?? (browsing
                ? await Browsing.Total(db, audience, criteria, cancellationToken)
                : answer is { } counts
                ? await SessionCounts.For(db, audience, criteria, counts).PreparedIf(IsUnfiltered(criteria)).SumAsync(c => c.Count, cancellationToken)
                : await db.Sessions.AsNoTracking().VisibleTo(audience).Matching(criteria, db).LongCountAsync(cancellationToken));
        return (sessions, total);
    }

    /// <summary>
    /// The page of the sessions the audience sees that match, in the listing's order. In the order
    /// of the last message the page is found by ids (ADR 0057), and its sessions read by them: from
    /// the table where the statement reads one snapshot (the ids are of visible sessions), from the
    /// visible ones on SQL Server, where a session deleted and created again under its id elsewhere
    /// while the statement runs could be read in between.
    /// </summary>
    private static SessionQueries.ListingPage PageOf(
        SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, SessionSortField sort, SortDirection direction, int skip, int take, bool prepares)
    {
        var seen = db.Sessions.AsNoTracking().VisibleTo(audience);
        var rows = OneSnapshot.WithinOneStatement(db.Provider) ? db.Sessions.AsNoTracking() : seen;
        return seen.MayCarryLabels(criteria.LabelGroups).Matching(criteria, db)
            .PageInOrder(rows, sort, direction, skip, take, searched: criteria.Search is not null, plannedOnce: prepares);
    }

    /// <summary>
    /// A page's ids on PostgreSQL, each carrying the listing's total from the maintained counts: a
    /// scalar subquery PostgreSQL runs once for the statement, which saves a full page its count's
    /// round trip. No rows, no total.
    /// </summary>
    private static IQueryable<PageRow> IdsWithTotal(
        SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, (string Dimension, LabelMatch? Label) answer, SessionSortField sort, SortDirection direction, int skip, int take)
    {
        var maintained = SessionCounts.For(db, audience, criteria, answer);
        return PageOf(db, audience, criteria, sort, direction, skip, take, prepares: true).Ids
            .Select(id => new PageRow { Id = id, Total = maintained.Sum(c => c.Count) })
            .PreparedIf(IsUnfiltered(criteria));
    }

    /// <summary>A session of a page, by id, with the listing's total.</summary>
    private sealed class PageRow
    {
        public Guid Id { get; init; }

        public long Total { get; init; }
    }

    /// <summary>
    /// The browsing a frontend opens with, a listing narrowed by no value, label or text, or by one
    /// label alone (<c>?label=key:value</c>), in an order other than the last message's, as
    /// compiled queries for each of its shapes (the visibility rule's form, the order and its
    /// direction, the first page of the default size or another, the archived and workload
    /// filters, whether a label narrows it): the queries the listing composes for it (the page's ids
    /// with their total where PostgreSQL prepares statements, the page's sessions in one statement
    /// elsewhere, and the total from the maintained counts), composed once for a template audience
    /// and label and bound (<see cref="QueryTemplate"/>), so a request builds, walks and looks up no
    /// expression. A labelled page's statements are not prepared: PostgreSQL plans each for its
    /// label's values (ADR 0028). At most 288 page shapes for each form of reading (the ids' and
    /// the sessions') and 24 totals, each compiled on its first request for each model.
    /// </summary>
    private static class Browsing
    {
        /// <summary>The label a labelled shape is composed for; the template binds what the composition reads of it to the request's label.</summary>
        private static readonly LabelMatch TemplateLabel = new("template-key", "template-value");

        private static readonly ConcurrentDictionary<Shape, CompiledPerModel<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IAsyncEnumerable<PageRow>>>> IdPages = new();
        private static readonly ConcurrentDictionary<Shape, CompiledPerModel<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IAsyncEnumerable<SessionRead>>>> SessionPages = new();
        private static readonly ConcurrentDictionary<Filters, CompiledPerModel<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, CancellationToken, Task<long>>>> Totals = new();

        public static bool Serves(SessionCriteria criteria, SessionSortField sort) =>
            sort != SessionSortField.LastMessageAt && (IsUnfiltered(criteria) || OneLabel(criteria) is not null);

        /// <summary>The page's ids, each with the listing's total (<see cref="IdsWithTotal"/>).</summary>
        public static IAsyncEnumerable<PageRow> Ids(SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, SessionSortField sort, SortDirection direction, int skip, int take) =>
            Page(IdPages, static (db, template, criteria, shape, skip, take) => IdsWithTotal(db, template, criteria, SessionCounts.Answer(criteria)!.Value, shape.Sort, shape.Direction, skip, take),
                db, audience, criteria, sort, direction, skip, take);

        /// <summary>The page's sessions with their chips and labels, in one statement.</summary>
        public static IAsyncEnumerable<SessionRead> Sessions(SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, SessionSortField sort, SortDirection direction, int skip, int take) =>
            Page(SessionPages, static (db, template, criteria, shape, skip, take) => db.WithChips(PageOf(db, template, criteria, shape.Sort, shape.Direction, skip, take, prepares: false).Sessions),
                db, audience, criteria, sort, direction, skip, take);

        /// <summary>The listing's total, from the maintained counts: one query for each visibility form and set of filters, whatever the order and the page.</summary>
        public static Task<long> Total(SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, CancellationToken cancellationToken)
        {
            var (key, value, bits) = LabelOf(criteria);
            return Totals.GetOrAdd(FiltersOf(audience, criteria), static filters => new(db => EF.CompileAsyncQuery(SumOf(Template(db, filters, firstPage: false,
                    static (db, template, criteria, _, _) => SessionCounts.For(db, template, criteria, SessionCounts.Answer(criteria)!.Value).PreparedIf(IsUnfiltered(criteria)))))))
                .For(db)(db, audience.WorkspaceId, audience.UserId, 0, 0, key, value, bits, cancellationToken);
        }

        /// <summary>A page of the request's shape, by the shape's compiled query, compiled from <paramref name="compose"/> on the shape's first request for each model.</summary>
        private static IAsyncEnumerable<T> Page<T>(
            ConcurrentDictionary<Shape, CompiledPerModel<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IAsyncEnumerable<T>>>> pages,
            Func<SessionsDbContext, SessionAudience, SessionCriteria, Shape, int, int, IQueryable<T>> compose,
            SessionsDbContext db, SessionAudience audience, SessionCriteria criteria, SessionSortField sort, SortDirection direction, int skip, int take)
        {
            var shape = new Shape(FiltersOf(audience, criteria), sort, direction, FirstPage: skip == 0 && take == ListSessionsQuery.DefaultLimit);
            var (key, value, bits) = LabelOf(criteria);
            return pages.GetOrAdd(shape, static (shape, compose) => new(db => EF.CompileAsyncQuery(Template(db, shape.Filters, shape.FirstPage,
                    (db, template, criteria, skip, take) => compose(db, template, criteria, shape, skip, take)))), compose)
                .For(db)(db, audience.WorkspaceId, audience.UserId, skip, take, key, value, bits);
        }

        private static Filters FiltersOf(SessionAudience audience, SessionCriteria criteria) =>
            new(audience.SeesAllSessions, criteria.Archived, criteria.IncludeWorkloadSessions, Labelled: OneLabel(criteria) is not null);

        /// <summary>The one label that narrows a listing and nothing else, if that is what does.</summary>
        private static LabelMatch? OneLabel(SessionCriteria criteria) =>
            criteria is { Owners: null, ProjectIds.Count: 0, Agents.Count: 0, Models.Count: 0, Origins.Count: 0, Search: null, LabelGroups: [[var label]] } ? label : null;

        /// <summary>The compiled queries' label parameters: the label's key, value and folded bit, or none.</summary>
        private static (string? Key, string? Value, long Bits) LabelOf(SessionCriteria criteria) =>
            OneLabel(criteria) is { } label ? (label.Key, label.Value, LabelBits.Of([(label.Key, label.Value)])) : (null, null, 0);

        /// <summary>
        /// The query of a shape's filters, composed for an audience of no workspace (and the template
        /// label where a label narrows the shape) and bound. Any page but the first of the default
        /// size is composed as the second page of one session: its two bounds are the compiled query's parameters.
        /// </summary>
        private static Expression<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IQueryable<T>>> Template<T>(
            SessionsDbContext db, Filters filters, bool firstPage, Func<SessionsDbContext, SessionAudience, SessionCriteria, int, int, IQueryable<T>> compose)
        {
            var template = new SessionAudience(Guid.Empty, Guid.Empty, filters.SeesAllSessions);
            var criteria = new SessionCriteria(null, [], [], [], [], filters.Labelled ? [[TemplateLabel]] : [], filters.Archived, null, filters.IncludeWorkloadSessions);
            var (skip, take) = firstPage ? (0, ListSessionsQuery.DefaultLimit) : (1, 1);
            return QueryTemplate.Bind(compose(db, template, criteria, skip, take), template, filters.Labelled ? TemplateLabel : null);
        }

        /// <summary>The sum of the counts a bound query reads, as a compiled query's scalar body.</summary>
        private static Expression<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, CancellationToken, long>> SumOf(
            Expression<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IQueryable<SessionCount>>> counts)
        {
            Expression<Func<SessionCount, long>> count = c => c.Count;
            var sum = Expression.Call(typeof(Queryable), nameof(Queryable.Sum), [typeof(SessionCount)], counts.Body, Expression.Quote(count));
            return Expression.Lambda<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, CancellationToken, long>>(
                sum, [.. counts.Parameters, Expression.Parameter(typeof(CancellationToken), "cancellationToken")]);
        }

        /// <summary>What a browsing listing is narrowed by: the visibility rule's form, the archived and workload filters, and whether one label.</summary>
        private readonly record struct Filters(bool SeesAllSessions, ArchivedFilter Archived, bool IncludeWorkloadSessions, bool Labelled);

        private readonly record struct Shape(Filters Filters, SessionSortField Sort, SortDirection Direction, bool FirstPage);
    }

    /// <summary>
    /// A listing filtered by nothing but the archived state and workload sessions: the browsing a
    /// frontend opens with. Its statements come in a few fixed forms (sort, direction, the two
    /// filters, the visibility rule's two forms), so they are prepared on PostgreSQL: each
    /// connection parses them once and holds at most about a hundred. A filter by values, labels or
    /// text makes a statement for each pattern of the filters given and number of values, too
    /// many to prepare (ADR 0028), though one query of EF Core's (ADR 0055).
    /// </summary>
    private static bool IsUnfiltered(SessionCriteria criteria) => !GivenFilters.Narrowing(criteria);

    public async Task<SessionFacets> FacetsAsync(SessionAudience audience, SessionCriteria criteria, CancellationToken cancellationToken)
    {
        var rows = SessionCounts.AnswersFacets(criteria)
            ? await SessionCounts.FacetRowsAsync(db, audience, criteria, cancellationToken)
            : await CountFacetsAsync(db.Sessions.AsNoTracking().VisibleTo(audience).Matching(criteria, db), cancellationToken);
        var users = rows.Where(r => r.Dimension == Dimensions.User).ToList();
        var chips = await GetUserChipsAsync([.. users.Select(u => Guid.Parse(u.Value))], cancellationToken);
        IReadOnlyList<FacetCount> Of(string dimension, Func<string, string>? name = null) =>
            Ordered(rows.Where(r => r.Dimension == dimension).Select(r => new FacetCount(name?.Invoke(r.Value) ?? r.Value, r.Count)));

        return new SessionFacets(
            rows.Where(r => r.Dimension == Dimensions.Label)
                .GroupBy(r => r.Key, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Ordered(g.Select(l => new FacetCount(l.Value, l.Count))), StringComparer.Ordinal),
            Of(Dimensions.Agent),
            Of(Dimensions.Model),
            Of(Dimensions.Origin, stored => WireEnum.Name(Enum.Parse<SessionOrigin>(stored))),
            [.. users
                .Select(u => new UserFacetCount(u.Value, u.Count, chips.GetValueOrDefault(Guid.Parse(u.Value))))
                .OrderByDescending(u => u.Count).ThenBy(u => u.Value, StringComparer.Ordinal)]);
    }

    public async Task<IReadOnlyDictionary<Guid, UserChip>> GetUserChipsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => userIds.Contains(u.Id))
            .Select(u => new UserChip(u.Id, u.Email, u.FullName, u.Username))
            .ToDictionaryAsync(u => u.Id, cancellationToken);

    /// <summary>The facet counts of the matching sessions, counted from the sessions themselves (one grouped statement per dimension).</summary>
    private static async Task<IReadOnlyList<FacetRow>> CountFacetsAsync(IQueryable<Session> matching, CancellationToken cancellationToken)
    {
        var labels = await matching.SelectMany(s => s.Labels)
            .GroupBy(l => new { l.Key, l.Value })
            .Select(g => new FacetRow(Dimensions.Label, g.Key.Key, g.Key.Value, g.LongCount()))
            .ToListAsync(cancellationToken);
        var agents = await matching.Where(s => s.Agent != null).GroupBy(s => s.Agent!)
            .Select(g => new FacetRow(Dimensions.Agent, string.Empty, g.Key, g.LongCount())).ToListAsync(cancellationToken);
        var models = await matching.GroupBy(s => s.Model)
            .Select(g => new FacetRow(Dimensions.Model, string.Empty, g.Key, g.LongCount())).ToListAsync(cancellationToken);
        var origins = await matching.GroupBy(s => s.Origin).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var users = await matching.GroupBy(s => s.UserId).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        return [.. labels, .. agents, .. models,
            .. origins.Select(o => new FacetRow(Dimensions.Origin, string.Empty, o.Key.ToString(), o.Count)),
            .. users.Select(u => new FacetRow(Dimensions.User, string.Empty, u.Key.ToString(), u.Count))];
    }

    /// <summary>Most frequent first; equal counts by value, so facets read the same every time.</summary>
    private static IReadOnlyList<FacetCount> Ordered(IEnumerable<FacetCount> counts) =>
        [.. counts.OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)];

    /// <summary>A compiled query for each form of the visibility rule: index 0 for an audience that sees its own and shared sessions, 1 for one that sees them all.</summary>
    private static CompiledPerModel<TQuery>[] InBothForms<TQuery>(Func<bool, TQuery> compile)
        where TQuery : class =>
        [new(() => compile(false)), new(() => compile(true))];

    /// <summary>
    /// <c>(db, workspaceId, userId, match's own parameters) =&gt; db.Sessions.AsNoTracking().TagWith(prepared).Where(s =&gt; seen by the audience &amp;&amp; match)</c>,
    /// with the creator and sharer joined (<paramref name="withChips"/>) or as ids, and at most
    /// <paramref name="take"/> rows: a one-session read for a compiled query, in one form of the visibility rule.
    /// </summary>
    private static Expression<TQuery> Seen<TQuery>(bool seesAllSessions, LambdaExpression match, bool withChips, int? take)
    {
        var context = Expression.Parameter(typeof(SessionsDbContext), "db");
        var seen = SessionAudience.SeenBy(VisibilityFacts.OfSession, seesAllSessions);
        var session = seen.Parameters[0];
        var matched = new Substitution(new Dictionary<ParameterExpression, Expression> { [match.Parameters[0]] = session }).Visit(match.Body);
        var seenAndMatched = Expression.Lambda<Func<Session, bool>>(Expression.AndAlso(seen.Body, matched), session);
        var sessions = Expression.Call(
            typeof(Queryable), nameof(Queryable.Where), [typeof(Session)],
            Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.TagWith), [typeof(Session)],
                Expression.Call(typeof(EntityFrameworkQueryableExtensions), nameof(EntityFrameworkQueryableExtensions.AsNoTracking), [typeof(Session)],
                    Expression.Property(context, nameof(SessionsDbContext.Sessions))),
                Expression.Constant(PostgresPreparedStatements.Tag)),
            Expression.Quote(seenAndMatched));
        var query = withChips
            ? SessionQueries.WithChips(sessions, Expression.Property(context, nameof(SessionsDbContext.Users)))
            : Expression.Call(typeof(Queryable), nameof(Queryable.Select), [typeof(Session), typeof(SessionLifeKey)], sessions, Expression.Quote(SessionKey));
        if (take is { } rows)
        {
            query = Expression.Call(typeof(Queryable), nameof(Queryable.Take), [withChips ? typeof(SessionRead) : typeof(SessionLifeKey)], query, Expression.Constant(rows));
        }

        return Expression.Lambda<TQuery>(query, [context, seen.Parameters[1], seen.Parameters[2], .. match.Parameters.Skip(1)]);
    }

    /// <summary>The sessions whose canonical id starts with the prefix: an ordinal range of the indexed id text, where no character is a wildcard.</summary>
    private static IQueryable<Session> WithPrefix(IQueryable<Session> sessions, string prefix)
    {
        SessionReference.PrefixRange(prefix, out var lower, out var upper);
        return sessions.Where(s =>
            string.Compare(EF.Property<string>(s, SessionConfiguration.IdText), lower) >= 0
            && string.Compare(EF.Property<string>(s, SessionConfiguration.IdText), upper) < 0);
    }
}
