using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Sessions;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>The query pieces every session read and every bulk load share, so visibility is decided in one place.</summary>
internal static class SessionQueries
{
    public const string LikeEscape = "\\";

    /// <summary>The sessions of the workspace the audience may see (<see cref="SessionAudience.Sees{T}"/>).</summary>
    public static IQueryable<Session> VisibleTo(this IQueryable<Session> sessions, SessionAudience audience) =>
        sessions.Where(audience.Sees(VisibilityFacts.OfSession));

    /// <summary>
    /// Applies the list filters; each narrows the set, none widens it. The query has a few shapes
    /// whatever filters are given (<see cref="GivenFilters"/>, ADR 0055), so EF Core compiles each
    /// once, not once for each combination: labels of none, one or several groups, and a listing
    /// narrowed by no value, label or text, the browsing a frontend opens with, in a query as small
    /// as its statement.
    /// </summary>
    public static IQueryable<Session> Matching(this IQueryable<Session> sessions, SessionCriteria criteria, SessionsDbContext db)
    {
        var given = GivenFilters.Of(criteria);
        var narrows = GivenFilters.Narrowing(criteria);
        if (narrows)
        {
            sessions = sessions
                .Where(s => EF.Parameter(given.Owners) == null || given.Owners!.Contains(s.UserId))
                .Where(s => EF.Parameter(given.Projects) == null || (s.ProjectId != null && given.Projects!.Contains(s.ProjectId.Value)))
                .Where(s => EF.Parameter(given.Agents) == null || (s.Agent != null && given.Agents!.Contains(s.Agent)))
                .Where(s => EF.Parameter(given.Models) == null || given.Models!.Contains(s.Model))
                .Where(s => EF.Parameter(given.Origins) == null || given.Origins!.Contains(s.Origin));
        }

        sessions = sessions
            .Where(s => EF.Parameter(given.WithoutWorkloads) == null || s.Origin != SessionOrigin.Eval)
            .WithLabels(criteria.LabelGroups)
            .Where(s => EF.Parameter(given.ActiveOnly) == null || s.ArchivedAt == null)
            .Where(s => EF.Parameter(given.ArchivedOnly) == null || s.ArchivedAt != null);
        return narrows ? sessions.Searching(criteria.Search, db) : sessions;
    }

    /// <summary>
    /// Sessions whose title, model, agent, a label value or a <c>key:value</c> contains the text, in
    /// any case; all of them when there is no text. On SQLite the FTS5 trigram index of those texts
    /// answers (a label indexed once, as <c>key:value</c>, which contains whatever its value
    /// contains; <see cref="SessionSearchText"/>, folding beyond ASCII as <see cref="SqliteCaseFolding"/>
    /// says); elsewhere a union of two matches (on the session's columns, on its labels) lets each use
    /// its own indexes: PostgreSQL answers both from trigram indexes on the lowered columns, the text
    /// lowered by the database as they are, the session's columns read from their copy apart from
    /// its row (<see cref="SessionSearchColumns"/>, ADR 0085). On SQLite each way of searching is a filter of its own
    /// whose parameters are null unless the text is searched that way (<see cref="GivenFilters"/>).
    /// </summary>
    private static IQueryable<Session> Searching(this IQueryable<Session> sessions, string? search, SessionsDbContext db)
    {
        var escaped = search is null ? null : EscapeLike(search, db.Provider);
        var pattern = escaped is null ? null : $"%{escaped}%";
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var (foldedPhrase, foldedGlob, indexedLike, readGlob, readLike) = SqliteSearch.For(search, escaped, pattern);
            var index = db.Set<SessionSearchText>();

            // The index holds every workspace's texts and would be read whole where it does not
            // narrow: read there instead the texts of the sessions this query selects, by their session's id.
            var texts = db.Set<SessionSearchRow>();
            return sessions
                .Where(s => EF.Parameter(foldedPhrase) == null
                    || index.Where(t => SqliteCaseFolding.Matches(t.Text, foldedPhrase!) && EF.Functions.Glob(t.Text, foldedGlob!)).Select(t => t.SessionId).Contains(s.Id))
                .Where(s => EF.Parameter(indexedLike) == null
                    || index.Where(t => EF.Functions.Like(t.Text, indexedLike!)).Select(t => t.SessionId).Contains(s.Id))
                .Where(s => EF.Parameter(readGlob) == null || texts.Any(t => t.SessionId == s.Id && EF.Functions.Glob(t.Text, readGlob!)))
                .Where(s => EF.Parameter(readLike) == null || texts.Any(t => t.SessionId == s.Id && EF.Functions.Like(t.Text, readLike!, LikeEscape)));
        }

        var columns = db.Provider == DatabaseProvider.Postgres
            ? db.Set<SessionSearchColumns>()
            : sessions.Select(s => new SessionSearchColumns { SessionId = s.Id, Title = s.Title, Model = s.Model, Agent = s.Agent });
        var byColumns = columns
            .Where(c => EF.Functions.Like(c.Title!.ToLower(), Lower(pattern!), LikeEscape)
                || EF.Functions.Like(c.Model.ToLower(), Lower(pattern!), LikeEscape)
                || EF.Functions.Like(c.Agent!.ToLower(), Lower(pattern!), LikeEscape))
            .Select(c => c.SessionId);
        var byLabels = sessions
            .SelectMany(s => s.Labels, (s, l) => new { s.Id, l.Key, l.Value })
            .Where(l => EF.Functions.Like(l.Value.ToLower(), Lower(pattern!), LikeEscape)
                || EF.Functions.Like((l.Key + ":" + l.Value).ToLower(), Lower(pattern!), LikeEscape))
            .Select(l => l.Id);
        var matching = byColumns.Concat(byLabels);
        return sessions.Where(s => EF.Parameter(pattern) == null || matching.Contains(s.Id));
    }

    /// <summary>
    /// How SQLite searches a text: by the index, its phrase matched beyond ASCII and narrowed by a
    /// <c>GLOB</c> of the case variants, or matched by <c>LIKE</c>; or reading the selected sessions'
    /// texts, by that <c>GLOB</c> or by <c>LIKE</c> with an escape. One of the four is set for a text,
    /// none when there is none.
    /// </summary>
    private sealed record SqliteSearch(string? FoldedPhrase, string? FoldedGlob, string? IndexedLike, string? ReadGlob, string? ReadLike)
    {
        private static readonly SqliteSearch None = new(null, null, null, null, null);

        public static SqliteSearch For(string? search, string? escaped, string? pattern)
        {
            if (search is null)
            {
                return None;
            }

            if (SqliteCaseFolding.FoldsBeyondAscii(search))
            {
                var glob = SqliteCaseFolding.Glob(search);
                return SqliteCaseFolding.IndexNarrows(search) ? None with { FoldedPhrase = SqliteCaseFolding.Phrase(search), FoldedGlob = glob } : None with { ReadGlob = glob };
            }

            // SQLite's LIKE and the trigram index fold ASCII letters themselves. The index serves
            // LIKE of three characters or more without an ESCAPE clause.
            return escaped!.Length == search.Length && SqliteCaseFolding.HoldsATrigram(search) ? None with { IndexedLike = pattern } : None with { ReadLike = pattern };
        }
    }

    /// <summary>The listing order; the id breaks ties in the same direction, so pages never overlap. Sessions without messages sort last by <c>last_message_at</c>.</summary>
    public static IOrderedQueryable<Session> SortedBy(this IQueryable<Session> sessions, SessionSortField field, SortDirection direction)
    {
        var descending = direction == SortDirection.Desc;
        return field switch
        {
            SessionSortField.CreatedAt => descending
                ? sessions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
                : sessions.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id),
            SessionSortField.MessageCount => descending
                ? sessions.OrderByDescending(s => s.MessageCount).ThenByDescending(s => s.Id)
                : sessions.OrderBy(s => s.MessageCount).ThenBy(s => s.Id),
            SessionSortField.LastMessageAt => descending
                ? sessions.OrderBy(s => s.LastMessageAt == null).ThenByDescending(s => s.LastMessageAt).ThenByDescending(s => s.Id)
                : sessions.OrderBy(s => s.LastMessageAt == null).ThenBy(s => s.LastMessageAt).ThenBy(s => s.Id),
            _ => descending
                ? sessions.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id)
                : sessions.OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id),
        };
    }

    /// <summary>
    /// The page at <paramref name="skip"/> of the <paramref name="matching"/> sessions in the
    /// listing's order (<see cref="SortedBy"/>). Sessions without messages come last by
    /// <c>last_message_at</c> in either direction, an order no index of the column gives both ways
    /// on every database (PostgreSQL keeps nulls last going up, SQLite and SQL Server first). That
    /// page is found by two walks of the column's index, each as far as the page reaches: the ids
    /// of the sessions with messages in the column's order, and of those without (where the column
    /// is null and the index is in the order of the id). The ids at <paramref name="skip"/> of both,
    /// ordered as the listing is, are the page's, and select its <paramref name="rows"/> (the ids
    /// come from the visible matches, in the same statement). A page orders at most twice its reach
    /// of ids, never the workspace's sessions (ADR 0057). A search keeps one query that orders what
    /// it matched, as it does in every order: its index finds the matches, and two walks would run
    /// it twice.
    /// </summary>
    public static ListingPage PageInOrder(
        this IQueryable<Session> matching, IQueryable<Session> rows, SessionSortField field, SortDirection direction, int skip, int take, bool searched, bool plannedOnce)
    {
        if (field != SessionSortField.LastMessageAt || searched)
        {
            var sessions = matching.SortedBy(field, direction).Page(skip, take, plannedOnce);
            return new ListingPage(sessions.Select(s => s.Id), () => sessions);
        }

        // The first page of the default size writes its limit in both walks (Page): only that page,
        // not one of another size that reaches as far.
        var reach = skip + take;
        var firstPage = plannedOnce && skip == 0;
        var withMessages = matching.Where(s => s.LastMessageAt != null).ByLastMessage(direction).Page(0, reach, firstPage);
        var without = matching.Where(s => s.LastMessageAt == null).ByLastMessage(direction).Page(0, reach, firstPage);
        var keys = withMessages.Select(LastMessageKey.Of).Concat(without.Select(LastMessageKey.Of));
        var sorted = direction == SortDirection.Desc
            ? keys.OrderBy(k => k.LastMessageAt == null).ThenByDescending(k => k.LastMessageAt).ThenByDescending(k => k.Id)
            : keys.OrderBy(k => k.LastMessageAt == null).ThenBy(k => k.LastMessageAt).ThenBy(k => k.Id);
        var ids = sorted.Page(skip, take, plannedOnce).Select(k => k.Id);
        return new ListingPage(ids, () =>
        {
            var session = Expression.Parameter(typeof(Session), "s");
            var onPage = Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [typeof(Guid)], BoundsAsParameters.Visit(ids.Expression), Expression.Property(session, nameof(Session.Id)));
            return rows.Where(Expression.Lambda<Func<Session, bool>>(onPage, session)).SortedBy(field, direction);
        });
    }

    /// <summary>
    /// A listing's page: the ids of its sessions in the listing's order (a page read in two steps,
    /// its ids then its views, needs no more; in the order of the last message they are found
    /// without reading a session), and its sessions in that order, made only when read.
    /// </summary>
    public sealed class ListingPage(IQueryable<Guid> ids, Func<IQueryable<Session>> sessions)
    {
        public IQueryable<Guid> Ids { get; } = ids;

        public IQueryable<Session> Sessions => sessions();
    }

    /// <summary>
    /// A subquery's offsets and limits as parameters. EF Core makes a parameter of a number given
    /// to <c>Skip</c> or <c>Take</c> in a query, but writes one inside a lambda (a subquery's, as in
    /// <c>Contains</c>) into the SQL, so each page would be a query of its own, compiled again.
    /// Written as a captured variable is, each is a parameter. (A <see cref="DefaultLimit"/> is
    /// not a number and would be left as it is; the pages read this way never carry one.)
    /// </summary>
    private sealed class BoundsAsParameters : ExpressionVisitor
    {
        private static readonly BoundsAsParameters Instance = new();

        public static new Expression Visit(Expression expression) => ((ExpressionVisitor)Instance).Visit(expression);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            return visited.Method.DeclaringType == typeof(Queryable)
                && visited.Method.Name is nameof(Queryable.Skip) or nameof(Queryable.Take)
                && visited.Arguments[1] is ConstantExpression { Value: int bound }
                ? visited.Update(null, [visited.Arguments[0], Expression.Field(Expression.Constant(new StrongBox<int>(bound)), nameof(StrongBox<int>.Value))])
                : visited;
        }
    }

    /// <summary>A session's place in the order of the last message: what <see cref="PageInOrder"/> orders before it reads the page's rows.</summary>
    private sealed class LastMessageKey
    {
        public static readonly Expression<Func<Session, LastMessageKey>> Of = s => new LastMessageKey { Id = s.Id, LastMessageAt = s.LastMessageAt };

        public Guid Id { get; init; }

        public DateTime? LastMessageAt { get; init; }
    }

    /// <summary>
    /// By <c>last_message_at</c> then the id, both in <paramref name="direction"/>: the order of the
    /// column's index, walked either way, over sessions whose column is all set or all null.
    /// </summary>
    private static IOrderedQueryable<Session> ByLastMessage(this IQueryable<Session> sessions, SortDirection direction) =>
        direction == SortDirection.Desc
            ? sessions.OrderByDescending(s => s.LastMessageAt).ThenByDescending(s => s.Id)
            : sessions.OrderBy(s => s.LastMessageAt).ThenBy(s => s.Id);

    /// <summary>
    /// Sessions holding, for every group, at least one of the group's labels. One label is an
    /// <c>EXISTS</c> of its key and value, read from the label itself, so that a compiled listing
    /// composed for a template label reads the request's (<see cref="QueryTemplate"/>). One group is an
    /// <c>EXISTS</c> of its readings, a term for each key with the list of its values
    /// (<see cref="KeyValues"/>). Several groups, or one of more keys than that form takes, are one
    /// grouped pass over the label rows of the groups' keys and values (<see cref="LabelSet"/>, lists
    /// the (key, value) index finds) that keeps the sessions in which every group is represented by
    /// a row whose <c>key:value</c> is one of the group's filters, so the cost grows linearly with
    /// the number of labels asked for, not with the number of groups joined. The texts are tested in
    /// that pass's <c>CASE</c>, not in its <c>WHERE</c>: PostgreSQL has no statistics for
    /// <c>key || ':' || value</c> and, estimating a few rows where thousands match, gave up the
    /// listing index's walk for a sort. Lists are parameters, so the shapes are few whatever the
    /// labels, and the SQL stays flat however many readings the filters have (a chain of
    /// <c>OR</c>s for each reading was deeper than SQLite's limit of 1,000).
    /// </summary>
    private static IQueryable<Session> WithLabels(this IQueryable<Session> sessions, IReadOnlyList<IReadOnlyList<LabelMatch>> groups)
    {
        if (groups.Count == 0)
        {
            return sessions;
        }

        if (groups is [[var label]])
        {
            return sessions.Where(s => s.Labels.Any(l => l.Key == label.Key && l.Value == label.Value));
        }

        if (groups is [var only] && KeyValues.Of(only) is { Count: <= KeyValues.MaxPlaces } byKey)
        {
            return sessions.Where(s => s.Labels.AsQueryable().Any(KeyValues.AnyOf(byKey)));
        }

        var (allKeys, allValues) = new LabelSet([.. groups.SelectMany(g => g)]);
        var rows = sessions.SelectMany(s => s.Labels, (s, l) => new LabelRow { SessionId = s.Id, Key = l.Key, Value = l.Value })
            .Where(l => allKeys.Contains(l.Key) && allValues.Contains(l.Value));
        var groupOf = GroupIndex(groups);
        var groupCount = groups.Count;
        // COUNT(DISTINCT ...) in SQL: a row of no group (null) is not counted.
        var holdingEveryGroup = rows.GroupBy(r => r.SessionId)
            .Where(g => g.AsQueryable().Select(groupOf).Distinct().Count() == groupCount)
            .Select(g => g.Key);
        return sessions.Where(s => holdingEveryGroup.Contains(s.Id));
    }

    /// <summary>
    /// The sessions whose folded labels (<see cref="LabelBits"/>) have a bit of every group: a test
    /// never false for a session that <see cref="Matching"/> keeps for these labels, which a list
    /// page makes before the labels' rows so that its walk of the listing index, where the word is,
    /// probes only the sessions that may carry them (ADR 0035). Counts, facets and usage, which do
    /// not walk that index, are left without it. Written "not zero", which PostgreSQL estimates to
    /// keep nearly every row, so that the plan is still chosen by the probe's estimate (a filter
    /// that looks selective beside the probe made the planner hash every label row: ADR 0029).
    /// Several groups fill a few fixed numbers of tests (<see cref="GroupSlots"/>), those past the
    /// groups null and left out, so the query's shape changes little with the number of groups.
    /// </summary>
    public static IQueryable<Session> MayCarryLabels(this IQueryable<Session> sessions, IReadOnlyList<IReadOnlyList<LabelMatch>> groups)
    {
        foreach (var group in GroupSlots(groups))
        {
            long? bits = group is null ? null : LabelBits.Of(group.Select(m => (m.Key, m.Value)));
            sessions = sessions.Where(s => EF.Parameter(bits) == null || ((long?)EF.Property<long>(s, LabelBits.Property) & bits) != 0);
        }

        return sessions;
    }

    /// <summary>
    /// The groups as a few fixed numbers of places: one for one group; for several, the next power
    /// of two up to <see cref="SessionFilterInput.MaxLabelFilters"/> (each group holds a filter at
    /// least), null past the groups. Each number of places is a shape; every place is work for EF
    /// Core on every run, so two groups are not given twenty.
    /// </summary>
    private static IEnumerable<IReadOnlyList<LabelMatch>?> GroupSlots(IReadOnlyList<IReadOnlyList<LabelMatch>> groups) =>
        groups.Concat(Enumerable.Repeat<IReadOnlyList<LabelMatch>?>(null, Places(groups.Count) - groups.Count));

    private static int Places(int groups) =>
        groups < 2 ? groups : Math.Max(groups, Math.Min(SessionFilterInput.MaxLabelFilters, PowerOfTwoAtLeast(groups)));

    /// <summary>The number of places a list of <paramref name="count"/> terms is padded to: the next power of two.</summary>
    private static int PowerOfTwoAtLeast(int count) => (int)BitOperations.RoundUpToPowerOf2((uint)count);

    /// <summary>
    /// The index of the group a label row of the listed keys and values belongs to (a <c>CASE</c>
    /// in SQL): the first whose texts hold the row's <c>key:value</c>, null for none (a pair of a
    /// listed key and value that no filter names). Each place of <see cref="GroupSlots"/> is a
    /// branch; a place without a group has no texts, and EF Core leaves its branch out.
    /// </summary>
    private static Expression<Func<LabelRow, int?>> GroupIndex(IReadOnlyList<IReadOnlyList<LabelMatch>> groups)
    {
        var row = Expression.Parameter(typeof(LabelRow), "r");
        var text = Expression.Call(
            typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string), typeof(string)])!,
            Expression.Property(row, nameof(LabelRow.Key)), Expression.Constant(":"), Expression.Property(row, nameof(LabelRow.Value)));
        Expression index = Expression.Constant(null, typeof(int?));
        var slots = GroupSlots(groups).ToList();
        for (var i = slots.Count - 1; i >= 0; i--)
        {
            var texts = Expression.Property(Expression.Constant(new GroupTexts(slots[i] is { } group ? LabelSet.TextsOf(group) : null)), nameof(GroupTexts.Texts));
            var inGroup = Expression.AndAlso(
                Expression.NotEqual(Expression.Call(typeof(EF), nameof(EF.Parameter), [typeof(IReadOnlyList<string>)], texts), Expression.Constant(null, typeof(IReadOnlyList<string>))),
                Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], texts, text));
            index = Expression.Condition(inGroup, Expression.Constant(i, typeof(int?)), index);
        }

        return Expression.Lambda<Func<LabelRow, int?>>(index, row);
    }

    /// <summary>The texts of one place of <see cref="GroupIndex"/>: a holder of its own, so that no two places share a parameter.</summary>
    private sealed class GroupTexts(IReadOnlyList<string>? texts)
    {
        public IReadOnlyList<string>? Texts { get; } = texts;
    }

    /// <summary>
    /// The labels filters name, as lists: the keys and values of their readings, which the (key,
    /// value) index finds with <c>IN</c>, and a group's texts (<c>key:value</c>). A label whose key
    /// and value are in the lists is named when its <c>key:value</c> is one of the texts.
    /// </summary>
    private sealed class LabelSet(IReadOnlyList<LabelMatch> matches)
    {
        public IReadOnlyList<string> Keys { get; } = [.. matches.Select(m => m.Key).Distinct(StringComparer.Ordinal)];

        public IReadOnlyList<string> Values { get; } = [.. matches.Select(m => m.Value).Distinct(StringComparer.Ordinal)];

        public static IReadOnlyList<string> TextsOf(IReadOnlyList<LabelMatch> group) =>
            [.. group.Select(m => $"{m.Key}:{m.Value}").Distinct(StringComparer.Ordinal)];

        public void Deconstruct(out IReadOnlyList<string> keys, out IReadOnlyList<string> values) => (keys, values) = (Keys, Values);
    }

    /// <summary>
    /// One key of a group and the values its readings give it: a group as <c>(key = k1 AND value IN
    /// (...)) OR (key = k2 AND value IN (...)) ...</c>, exactly its readings, each term estimated by
    /// PostgreSQL from the (key, value) statistics (a test of the concatenation, which has none, made it
    /// give up the listing index's walk). The terms are padded to the next power of two with places
    /// of no key, which EF Core leaves out, so the shapes are few; a group of more keys than
    /// <see cref="MaxPlaces"/> (filters read at many colons) takes the grouped pass instead, whose SQL
    /// stays flat.
    /// </summary>
    private sealed class KeyValues(string? key, IReadOnlyList<string> values)
    {
        public const int MaxPlaces = 64;

        public string? Key { get; } = key;

        public IReadOnlyList<string> Values { get; } = values;

        public static IReadOnlyList<KeyValues> Of(IReadOnlyList<LabelMatch> group) =>
            [.. group.GroupBy(m => m.Key, StringComparer.Ordinal).Select(g => new KeyValues(g.Key, [.. g.Select(m => m.Value).Distinct(StringComparer.Ordinal)]))];

        /// <summary>The test of a label row: one term for each key, padded with places of no key (each its own holder, so no two share a parameter).</summary>
        public static Expression<Func<SessionLabel, bool>> AnyOf(IReadOnlyList<KeyValues> byKey)
        {
            var row = Expression.Parameter(typeof(SessionLabel), "l");
            var places = byKey.Concat(Enumerable.Range(0, PowerOfTwoAtLeast(byKey.Count) - byKey.Count).Select(_ => new KeyValues(null, [])));
            var anyOf = places
                .Select(place => Expression.Constant(place))
                .Select(place => (Expression)Expression.AndAlso(
                    Expression.Equal(Expression.Property(row, nameof(SessionLabel.Key)), Expression.Property(place, nameof(Key))),
                    Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Property(place, nameof(Values)), Expression.Property(row, nameof(SessionLabel.Value)))))
                .Aggregate(Expression.OrElse);
            return Expression.Lambda<Func<SessionLabel, bool>>(anyOf, row);
        }
    }

    /// <summary>One label of one session, as the grouped label filter reads it.</summary>
    private sealed class LabelRow
    {
        public Guid SessionId { get; init; }

        public required string Key { get; init; }

        public required string Value { get; init; }
    }

    /// <summary>The text of the session's stored system prompt (ADR 0073), empty when none is stored.</summary>
    public static async Task<string> PromptTextAsync(this SessionsDbContext db, Guid sessionId, CancellationToken cancellationToken) =>
        await db.Prompts.AsNoTracking().Where(p => p.SessionId == sessionId).Select(p => p.Text).SingleOrDefaultAsync(cancellationToken) ?? string.Empty;

    /// <summary>Each session with the users shown as its creator and sharer, joined in the same statement.</summary>
    public static IQueryable<SessionRead> WithChips(this SessionsDbContext db, IQueryable<Session> sessions) =>
        sessions.Provider.CreateQuery<SessionRead>(WithChips(sessions.Expression, db.Users.AsQueryable().Expression));

    /// <summary>
    /// The chips join over any expression of sessions and of users: a query's, or a compiled query's
    /// parameters. The sessions' label rows are not read (no session query includes them but a
    /// relabel's load): a read answers with the map on the row (<see cref="Session.LabelMap"/>, ADR 0075).
    /// </summary>
    public static Expression WithChips(Expression sessions, Expression users) =>
        new Substitution(new Dictionary<ParameterExpression, Expression>
        {
            [ChipsJoin.Parameters[0]] = sessions,
            [ChipsJoin.Parameters[1]] = users,
        }).Visit(ChipsJoin.Body);

    private static readonly Expression<Func<IQueryable<Session>, IQueryable<User>, IQueryable<SessionRead>>> ChipsJoin = (sessions, users) =>
        from s in sessions
        join creator in users on s.UserId equals creator.Id into creators
        from creator in creators.DefaultIfEmpty()
        join sharer in users on s.SharedBy equals (Guid?)sharer.Id into sharers
        from sharer in sharers.DefaultIfEmpty()
        select new SessionRead(
            s,
            creator == null ? null : new UserChip(creator.Id, creator.Email, creator.FullName, creator.Username),
            sharer == null ? null : new UserChip(sharer.Id, sharer.Email, sharer.FullName, sharer.Username));

    /// <summary>
    /// The views of the sessions with these ids that <paramref name="audience"/> sees, in the order
    /// of <paramref name="ids"/>; an id with no session (deleted since it was read) is left out.
    /// The ids come from a query that applied the audience's visibility, but ids are the clients':
    /// a session deleted since may have been created again under its id, in another workspace or
    /// by another owner, so the rule is applied again, in memory. One fixed statement whatever the
    /// ids (one array parameter on PostgreSQL), so it is prepared there.
    /// </summary>
    public static async Task<IReadOnlyList<SessionView>> ViewsInOrderAsync(this SessionsDbContext db, SessionAudience audience, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await ViewsByIds.For(db)(db, [.. ids]).ToListAsync(cancellationToken);
        var byId = rows.Where(r => audience.Sees(r.Session)).ToDictionary(r => r.Session.Id);
        return [.. ids.Where(byId.ContainsKey).Select(id => byId[id].ToView())];
    }

    /// <summary>
    /// The statement of <see cref="ViewsInOrderAsync"/>, compiled (a PostgreSQL list page and the
    /// group listings run it on every request): no expression is built, walked or looked up in the
    /// query cache per call.
    /// </summary>
    private static readonly CompiledPerModel<Func<SessionsDbContext, Guid[], IAsyncEnumerable<SessionRead>>> ViewsByIds = new(CompileViewsByIds);

    private static Func<SessionsDbContext, Guid[], IAsyncEnumerable<SessionRead>> CompileViewsByIds()
    {
        Expression<Func<SessionsDbContext, Guid[], IQueryable<Session>>> sessions = (db, ids) =>
            db.Sessions.AsNoTracking().TagWith(PostgresPreparedStatements.Tag).Where(s => ids.Contains(s.Id));
        var query = WithChips(sessions.Body, Expression.Property(sessions.Parameters[0], nameof(SessionsDbContext.Users)));
        return EF.CompileAsyncQuery(Expression.Lambda<Func<SessionsDbContext, Guid[], IQueryable<SessionRead>>>(query, sessions.Parameters));
    }

    /// <summary>
    /// The page of <paramref name="take"/> rows after <paramref name="skip"/>. Where the statement
    /// is kept with its plan by PostgreSQL (<paramref name="plannedOnce"/>), the first page of the
    /// default size, the page a frontend opens with, carries <see cref="ListSessionsQuery.DefaultLimit"/>
    /// as a literal <c>LIMIT</c> and no <c>OFFSET</c>: PostgreSQL costs a prepared statement's
    /// generic plan for an unknown <c>LIMIT</c> or <c>OFFSET</c> as if a tenth of the rows were
    /// read, so with parameters it never settles on one plan and plans the page on every run; with
    /// the literal it keeps the generic plan after five runs (ADR 0036). Any other page carries both
    /// as parameters, so the prepared statements stay a few fixed forms.
    /// </summary>
    public static IQueryable<T> Page<T>(this IQueryable<T> query, int skip, int take, bool plannedOnce) =>
        plannedOnce && skip == 0 && take == ListSessionsQuery.DefaultLimit
            ? query.Provider.CreateQuery<T>(Expression.Call(typeof(Queryable), nameof(Queryable.Take), [typeof(T)], query.Expression, DefaultLimitCall))
            : query.Skip(skip).Take(take);

    /// <summary>
    /// <see cref="ListSessionsQuery.DefaultLimit"/> as a literal of a statement. EF Core makes a
    /// parameter of any <c>Take</c> argument (and generates the statement again on every run for one
    /// <c>EF.Constant</c> inlines), but neither evaluates nor parameterizes a function of the model:
    /// <see cref="MapDefaultLimit"/> translates this one to the SQL constant. It only exists in SQL.
    /// </summary>
    public static int DefaultLimit() => throw new InvalidOperationException("DefaultLimit is translated to SQL, not called.");

    private static readonly MethodCallExpression DefaultLimitCall = Expression.Call(typeof(SessionQueries).GetMethod(nameof(DefaultLimit))!);

    /// <summary>Maps <see cref="DefaultLimit"/> to the literal.</summary>
    public static void MapDefaultLimit(ModelBuilder modelBuilder) =>
        modelBuilder.HasDbFunction(DefaultLimitCall.Method)
            .HasTranslation(_ => new SqlConstantExpression(ListSessionsQuery.DefaultLimit, typeof(int), typeMapping: null));

    /// <summary>
    /// The database's <c>lower()</c> of a value, where <c>ToLower()</c> of a value would be lowered by
    /// .NET before the statement is sent: a search text is lowered by the same function as the text it
    /// is compared with, whatever letters the database's locale folds (.NET keeps <c>İ</c>, glibc lowers
    /// it to <c>i</c>). It only exists in SQL.
    /// </summary>
    public static string Lower(string value) => throw new InvalidOperationException($"{nameof(Lower)} is translated to SQL, not called.");

    /// <summary>Maps <see cref="Lower"/> to the database's built-in <c>lower</c>.</summary>
    public static void MapLower(ModelBuilder modelBuilder) =>
        modelBuilder.HasDbFunction(typeof(SessionQueries).GetMethod(nameof(Lower))!).HasName("lower").IsBuiltIn();

    /// <summary>
    /// <paramref name="value"/> itself, in a condition SQLite's planner does not use to look rows up
    /// by an index (SQLite's unary <c>+</c>; the value as it is on other databases). Without
    /// statistics SQLite takes a workspace's condition to match about ten rows, and would walk the
    /// workspace's sessions by it where a group's condition finds them (ADR 0082). It only exists in SQL.
    /// </summary>
    public static Guid NotSought(Guid value) => throw new InvalidOperationException($"{nameof(NotSought)} is translated to SQL, not called.");

    /// <summary>Maps <see cref="NotSought"/> to <c>+(value)</c> on SQLite, and to the value elsewhere.</summary>
    public static void MapNotSought(ModelBuilder modelBuilder, DatabaseProvider provider) =>
        modelBuilder.HasDbFunction(typeof(SessionQueries).GetMethod(nameof(NotSought))!)
            .HasTranslation(arguments => provider == DatabaseProvider.Sqlite
                ? new SqlFunctionExpression("+", arguments, nullable: true, argumentsPropagateNullability: [true], typeof(Guid), arguments[0].TypeMapping)
                : arguments[0]);

    /// <summary>Tags the query to be prepared on PostgreSQL (<see cref="PostgresPreparedStatements"/>) when <paramref name="prepared"/>.</summary>
    public static IQueryable<T> PreparedIf<T>(this IQueryable<T> query, bool prepared) =>
        prepared ? query.TagWith(PostgresPreparedStatements.Tag) : query;

    /// <summary>
    /// Makes <c>%</c>, <c>_</c> and the escape character literal in a LIKE pattern, and on SQL
    /// Server <c>[</c> too, which opens a character class there (<c>[draft]</c> would match any one
    /// of its letters). Elsewhere <c>[</c> is left as it is: SQLite's trigram index serves only
    /// patterns without an escape.
    /// </summary>
    public static string EscapeLike(string text, DatabaseProvider provider)
    {
        var escaped = text.Replace(LikeEscape, LikeEscape + LikeEscape, StringComparison.Ordinal)
            .Replace("%", LikeEscape + "%", StringComparison.Ordinal)
            .Replace("_", LikeEscape + "_", StringComparison.Ordinal);
        return provider == DatabaseProvider.SqlServer ? escaped.Replace("[", LikeEscape + "[", StringComparison.Ordinal) : escaped;
    }
}

/// <summary>Replaces parameters of a lambda's body by other expressions.</summary>
internal sealed class Substitution(IReadOnlyDictionary<ParameterExpression, Expression> values) : ExpressionVisitor
{
    protected override Expression VisitParameter(ParameterExpression node) => values.GetValueOrDefault(node) ?? node;
}
