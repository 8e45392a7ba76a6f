using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions.List;
using Sessions.Application.Usage;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Stores;

namespace Sessions.Infrastructure.Persistence.Usage;

/// <summary>
/// Usage sums computed by the database from what is kept as messages come and go: without a
/// window, each session's own totals (one row per session); by day or within a window, the
/// per-day rows of <see cref="SessionUsageDay"/> for the whole days, and the messages themselves
/// only for the part of a day a window's edge cuts (or for the rest of that day, taken off its row,
/// when the rest holds fewer: <see cref="ReadsTheRest"/>). Token sums are exact past 64 bits: each is
/// summed by the database in two parts, the multiples of 2^32 and the rest (<see cref="TokenSum"/>).
/// </summary>
internal sealed class UsageReadStore(SessionsDbContext db, TimeProvider clock) : IUsageReadStore
{
    public async Task<(IReadOnlyList<(string? Key, UsageTally Sums)> Buckets, UsageTally Totals)> SumAsync(
        SessionAudience audience, SessionCriteria criteria, UsageGrouping grouping, UsageWindow window, CancellationToken cancellationToken)
    {
        var sessions = db.Sessions.AsNoTracking().VisibleTo(audience).Matching(criteria, db);
        var byDays = !window.IsOpen || grouping.Dimension == UsageDimension.Day;
        var direct = RowsAnswer(criteria);
        var rows = byDays ? DayRows(Filtered(db.UsageDays.AsNoTracking(), audience, criteria, direct), window) : null;

        // Sessions have one model, agent, owner and origin each: those buckets add up to the totals.
        // A session can have several values of a label, and messages on several days: their totals
        // are a statement of their own, which must read what the buckets' statement read.
        var partitions = grouping.Dimension is not (UsageDimension.Label or UsageDimension.Day);
        await using var snapshot = partitions ? null : await OneSnapshot.BeginAsync(db, cancellationToken);
        var buckets = grouping.Dimension switch
        {
            UsageDimension.Model => await SumAsync(KeyedBy(sessions, s => s.Model), rows, key => key, cancellationToken),
            UsageDimension.Agent => await SumAsync(KeyedBy(sessions, s => s.Agent), rows, key => key, cancellationToken),
            UsageDimension.User => await SumAsync(KeyedBy(sessions, s => s.UserId), rows, key => key.ToString(), cancellationToken),
            UsageDimension.Origin => await SumAsync(KeyedBy(sessions, s => s.Origin), rows, key => WireEnum.Name(key), cancellationToken),
            UsageDimension.Label => await SumAsync(
                sessions.SelectMany(
                    s => s.Labels.Where(l => l.Key == grouping.LabelKey).Select(l => l.Value).DefaultIfEmpty(),
                    (s, value) => new Keyed<string?> { Session = s, Key = value }),
                rows,
                key => key,
                cancellationToken),
            _ => await ByDayAsync(direct ? null : sessions, rows!, cancellationToken),
        };

        var totals = partitions
            ? Sum(buckets.Select(b => b.Sums))
            : window.IsOpen || !direct
                ? (await SumAsync(KeyedBy(sessions, _ => 0), window.IsOpen ? null : rows, _ => string.Empty, cancellationToken)).SingleOrDefault().Sums
                : (await Grouped(rows!.Select(r => new KeyedDayRow<int> { Key = 0, Row = r })).ToListAsync(cancellationToken)).SingleOrDefault()?.ToTally();
        return (buckets, totals ?? UsageTally.None);
    }

    /// <summary>
    /// Whether the day rows alone answer the criteria: they repeat the session's owner, sharing,
    /// archiving and origin, so only filters on other attributes need the sessions joined.
    /// </summary>
    private static bool RowsAnswer(SessionCriteria criteria) =>
        criteria is { ProjectIds.Count: 0, Agents.Count: 0, Models.Count: 0, LabelGroups.Count: 0, Search: null };

    /// <summary>
    /// The workspace's day rows; when <paramref name="direct"/>, only those of sessions the audience
    /// sees and the criteria match (the visibility rule of <see cref="SessionAudience.Sees{T}"/>,
    /// on the rows' copy of the facts it reads; the filters in one shape: <see cref="GivenFilters"/>).
    /// </summary>
    private static IQueryable<SessionUsageDay> Filtered(IQueryable<SessionUsageDay> days, SessionAudience audience, SessionCriteria criteria, bool direct)
    {
        days = days.Where(d => d.WorkspaceId == audience.WorkspaceId);
        if (!direct)
        {
            return days;
        }

        var given = GivenFilters.Of(criteria);
        return days.Where(audience.Sees<SessionUsageDay>(d => new VisibilityFacts(d.WorkspaceId, d.UserId, d.Shared)))
            .Where(d => EF.Parameter(given.Owners) == null || given.Owners!.Contains(d.UserId))
            .Where(d => EF.Parameter(given.Origins) == null || given.Origins!.Contains(d.Origin))
            .Where(d => EF.Parameter(given.WithoutWorkloads) == null || d.Origin != SessionOrigin.Eval)
            .Where(d => EF.Parameter(given.ActiveOnly) == null || !d.Archived)
            .Where(d => EF.Parameter(given.ArchivedOnly) == null || d.Archived);
    }

    private static UsageTally Sum(IEnumerable<UsageTally> tallies) => tallies.Aggregate(UsageTally.None, (sum, t) => sum + t);

    /// <summary>Each session with its key in the dimension, ready to be grouped by it.</summary>
    private static IQueryable<Keyed<TKey>> KeyedBy<TKey>(IQueryable<Session> sessions, Expression<Func<Session, TKey>> key)
    {
        var session = key.Parameters[0];
        var body = Expression.MemberInit(
            Expression.New(typeof(Keyed<TKey>)),
            Expression.Bind(typeof(Keyed<TKey>).GetProperty(nameof(Keyed<TKey>.Session))!, session),
            Expression.Bind(typeof(Keyed<TKey>).GetProperty(nameof(Keyed<TKey>.Key))!, key.Body));
        return sessions.Select(Expression.Lambda<Func<Session, Keyed<TKey>>>(body, session));
    }

    /// <summary>
    /// Sums per key: from the sessions' own totals when <paramref name="rows"/> is null, otherwise
    /// from the day rows of the keyed sessions (a session counts once per key it has rows in).
    /// </summary>
    private static async Task<IReadOnlyList<(string? Key, UsageTally Sums)>> SumAsync<TKey>(
        IQueryable<Keyed<TKey>> keyed, IQueryable<UsageDayRow>? rows, Func<TKey, string?> name, CancellationToken cancellationToken)
    {
        var sums = rows is null
            ? await keyed
                .GroupBy(k => k.Key)
                .Select(g => new UsageSumRow<TKey>
                {
                    Key = g.Key,
                    SessionCount = g.LongCount(),
                    MessageCount = g.Sum(k => k.Session.TotalUsage.MessageCount),
                    InputTokens = new TokenSum { High = g.Sum(k => k.Session.TotalUsage.InputTokens / TokenSum.Part), Low = g.Sum(k => k.Session.TotalUsage.InputTokens % TokenSum.Part) },
                    OutputTokens = new TokenSum { High = g.Sum(k => k.Session.TotalUsage.OutputTokens / TokenSum.Part), Low = g.Sum(k => k.Session.TotalUsage.OutputTokens % TokenSum.Part) },
                    CacheReadInputTokens = new TokenSum { High = g.Sum(k => k.Session.TotalUsage.CacheReadInputTokens / TokenSum.Part), Low = g.Sum(k => k.Session.TotalUsage.CacheReadInputTokens % TokenSum.Part) },
                    CacheCreationInputTokens = new TokenSum { High = g.Sum(k => k.Session.TotalUsage.CacheCreationInputTokens / TokenSum.Part), Low = g.Sum(k => k.Session.TotalUsage.CacheCreationInputTokens % TokenSum.Part) },
                    ToolCallCount = g.Sum(k => k.Session.TotalUsage.ToolCallCount),
                    CostUsd = g.Sum(k => k.Session.TotalUsage.CostUsd),
                    UncostedUsageCount = g.Sum(k => k.Session.TotalUsage.UncostedUsageCount),
                })
                .ToListAsync(cancellationToken)
            : await Grouped(
                from r in rows
                join k in keyed on r.SessionId equals k.Session.Id
                select new KeyedDayRow<TKey> { Key = k.Key, Row = r })
                .ToListAsync(cancellationToken);
        return [.. sums.Select(s => (s.Key is null ? null : name(s.Key), s.ToTally()))];
    }

    /// <summary>Sums per day of the rows; of those of the matching sessions when <paramref name="sessions"/> is given.</summary>
    private static async Task<IReadOnlyList<(string? Key, UsageTally Sums)>> ByDayAsync(IQueryable<Session>? sessions, IQueryable<UsageDayRow> rows, CancellationToken cancellationToken)
    {
        var keyed = sessions is null
            ? rows.Select(r => new KeyedDayRow<DateTime> { Key = r.Day, Row = r })
            : from r in rows
              join s in sessions on r.SessionId equals s.Id
              select new KeyedDayRow<DateTime> { Key = r.Day, Row = r };
        var sums = await Grouped(keyed).ToListAsync(cancellationToken);
        return [.. sums.Select(s => ((string?)s.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.ToTally()))];
    }

    private static IQueryable<UsageSumRow<TKey>> Grouped<TKey>(IQueryable<KeyedDayRow<TKey>> rows) =>
        rows.GroupBy(r => r.Key).Select(g => new UsageSumRow<TKey>
        {
            Key = g.Key,
            SessionCount = g.Select(r => r.Row.SessionId).Distinct().LongCount(),
            MessageCount = g.Sum(r => r.Row.MessageCount),
            InputTokens = new TokenSum { High = g.Sum(r => r.Row.InputTokens / TokenSum.Part), Low = g.Sum(r => r.Row.InputTokens % TokenSum.Part) },
            OutputTokens = new TokenSum { High = g.Sum(r => r.Row.OutputTokens / TokenSum.Part), Low = g.Sum(r => r.Row.OutputTokens % TokenSum.Part) },
            CacheReadInputTokens = new TokenSum { High = g.Sum(r => r.Row.CacheReadInputTokens / TokenSum.Part), Low = g.Sum(r => r.Row.CacheReadInputTokens % TokenSum.Part) },
            CacheCreationInputTokens = new TokenSum { High = g.Sum(r => r.Row.CacheCreationInputTokens / TokenSum.Part), Low = g.Sum(r => r.Row.CacheCreationInputTokens % TokenSum.Part) },
            ToolCallCount = g.Sum(r => r.Row.ToolCallCount),
            CostUsd = g.Sum(r => r.Row.CostUsd),
            UncostedUsageCount = g.Sum(r => r.Row.UncostedUsageCount),
        });

    /// <summary>
    /// The usage of the messages created within the window, per session and UTC day: the kept
    /// day rows for the days wholly inside it, and for a day an edge cuts, the messages of that
    /// day's sessions within the edge (found by the (session_id, created_at) index), or, when the
    /// rest of that day holds fewer (<see cref="ReadsTheRest"/>), that day's rows less the
    /// messages of the rest (<see cref="Less"/>).
    /// </summary>
    private IQueryable<UsageDayRow> DayRows(IQueryable<SessionUsageDay> filtered, UsageWindow window)
    {
        var wholeFrom = window.From is { } from ? (IsMidnight(from) ? from : UsageDayDeltas.DayOf(from).AddDays(1)) : (DateTime?)null;
        var wholeTo = window.To is { } to ? UsageDayDeltas.DayOf(to) : (DateTime?)null;

        var days = filtered;
        if (wholeFrom is { } lower)
        {
            days = days.Where(d => d.Day >= lower);
        }

        if (wholeTo is { } upper)
        {
            days = days.Where(d => d.Day < upper);
        }

        var rows = Whole(days);
        var now = clock.GetUtcNow().UtcDateTime;

        // A day's rows less its messages must be read at one moment; where a statement does not
        // read one snapshot (SQL Server), the cut day's inside is read, as before.
        var rests = OneSnapshot.WithinOneStatement(db.Provider);
        if (window.From is { } start && !IsMidnight(start))
        {
            var day = UsageDayDeltas.DayOf(start);
            rows = rows.Concat(
                window.To is { } stop && stop < wholeFrom!.Value ? EdgeRows(filtered, day, start, stop, 1)
                : rests && ReadsTheRest(day, start, edgeIsTheStart: true, now) ? Less(filtered, day, day, start)
                : EdgeRows(filtered, day, start, wholeFrom!.Value, 1));
        }

        if (window.To is { } finish && !IsMidnight(finish) && (wholeFrom is null || wholeTo!.Value >= wholeFrom.Value))
        {
            var day = wholeTo!.Value;
            rows = rows.Concat(rests && ReadsTheRest(day, finish, edgeIsTheStart: false, now) ? Less(filtered, day, finish, day.AddDays(1)) : EdgeRows(filtered, day, day, finish, 1));
        }

        return rows;
    }

    /// <summary>
    /// The rows of <paramref name="day"/> less its messages created in [<paramref name="start"/>,
    /// <paramref name="end"/>), one row per session, and none for a session left with no message.
    /// A row and its messages are written in one transaction, and read here by one statement, so
    /// with one snapshot where a statement reads one (<see cref="OneSnapshot.WithinOneStatement"/>).
    /// </summary>
    private IQueryable<UsageDayRow> Less(IQueryable<SessionUsageDay> filtered, DateTime day, DateTime start, DateTime end) =>
        Whole(filtered.Where(d => d.Day == day))
            .Concat(EdgeRows(filtered, day, start, end, -1))
            .GroupBy(r => r.SessionId)
            .Select(g => new UsageDayRow
            {
                SessionId = g.Key,
                Day = day,
                MessageCount = g.Sum(r => r.MessageCount),
                InputTokens = g.Sum(r => r.InputTokens),
                OutputTokens = g.Sum(r => r.OutputTokens),
                CacheReadInputTokens = g.Sum(r => r.CacheReadInputTokens),
                CacheCreationInputTokens = g.Sum(r => r.CacheCreationInputTokens),
                ToolCallCount = g.Sum(r => r.ToolCallCount),
                CostUsd = g.Sum(r => r.CostUsd),
                UncostedUsageCount = g.Sum(r => r.UncostedUsageCount),
            })
            .Where(r => r.MessageCount > 0);

    /// <summary>
    /// Whether the part of <paramref name="day"/> outside a window whose edge cuts it at
    /// <paramref name="cut"/> spans less time than the part inside: then that part's messages are
    /// read and taken off the day's rows, instead of the inside's read one by one. Messages are
    /// stamped when written, so a part counts only up to <paramref name="now"/>: a window that ends
    /// now reads nothing of its last day but the rows.
    /// </summary>
    internal static bool ReadsTheRest(DateTime day, DateTime cut, bool edgeIsTheStart, DateTime now)
    {
        TimeSpan Span(DateTime start, DateTime end)
        {
            var until = end < now ? end : now;
            return until > start ? until - start : TimeSpan.Zero;
        }

        var before = Span(day, cut);
        var after = Span(cut, day.AddDays(1));
        return edgeIsTheStart ? before < after : after < before;
    }

    private static IQueryable<UsageDayRow> Whole(IQueryable<SessionUsageDay> days) =>
        days.Select(d => new UsageDayRow
        {
            SessionId = d.SessionId,
            Day = d.Day,
            MessageCount = d.MessageCount,
            InputTokens = d.InputTokens,
            OutputTokens = d.OutputTokens,
            CacheReadInputTokens = d.CacheReadInputTokens,
            CacheCreationInputTokens = d.CacheCreationInputTokens,
            ToolCallCount = d.ToolCallCount,
            CostUsd = d.CostUsd,
            UncostedUsageCount = d.UncostedUsageCount,
        });

    /// <summary>
    /// The messages created in [<paramref name="start"/>, <paramref name="end"/>), all within
    /// <paramref name="day"/>, one row each, their figures times <paramref name="sign"/> (-1: to be
    /// taken off the day's rows).
    /// </summary>
    private IQueryable<UsageDayRow> EdgeRows(IQueryable<SessionUsageDay> filtered, DateTime day, DateTime start, DateTime end, int sign) =>
        from d in filtered
        where d.Day == day
        join m in db.Messages.AsNoTracking() on d.SessionId equals m.SessionId
        where m.CreatedAt >= start && m.CreatedAt < end
        select new UsageDayRow
        {
            SessionId = m.SessionId,
            Day = day,
            MessageCount = sign,
            InputTokens = sign * (m.Usage == null ? 0 : m.Usage.InputTokens),
            OutputTokens = sign * (m.Usage == null ? 0 : m.Usage.OutputTokens),
            CacheReadInputTokens = sign * (m.Usage == null ? 0 : m.Usage.CacheReadInputTokens),
            CacheCreationInputTokens = sign * (m.Usage == null ? 0 : m.Usage.CacheCreationInputTokens),
            ToolCallCount = sign * m.ToolCallCount,
            CostUsd = sign * (m.Usage == null ? 0m : (m.Usage.CostUsd ?? 0m)),
            UncostedUsageCount = (m.Usage != null && m.Usage.CostUsd == null) ? sign : 0,
        };

    private static bool IsMidnight(DateTime at) => at.TimeOfDay == TimeSpan.Zero;

    /// <summary>A session with its key in the dimension being summed.</summary>
    private sealed class Keyed<TKey>
    {
        public required Session Session { get; init; }

        public required TKey Key { get; init; }
    }

    /// <summary>The usage of one session on one day (or of one message on its day, at a window's edge).</summary>
    private sealed class UsageDayRow
    {
        public Guid SessionId { get; init; }

        public DateTime Day { get; init; }

        public long MessageCount { get; init; }

        public long InputTokens { get; init; }

        public long OutputTokens { get; init; }

        public long CacheReadInputTokens { get; init; }

        public long CacheCreationInputTokens { get; init; }

        public long ToolCallCount { get; init; }

        public decimal CostUsd { get; init; }

        public long UncostedUsageCount { get; init; }
    }

    private sealed class KeyedDayRow<TKey>
    {
        public required TKey Key { get; init; }

        public required UsageDayRow Row { get; init; }
    }

    private sealed class UsageSumRow<TKey>
    {
        public required TKey Key { get; init; }

        public long SessionCount { get; init; }

        public long MessageCount { get; init; }

        public required TokenSum InputTokens { get; init; }

        public required TokenSum OutputTokens { get; init; }

        public required TokenSum CacheReadInputTokens { get; init; }

        public required TokenSum CacheCreationInputTokens { get; init; }

        public long ToolCallCount { get; init; }

        public decimal CostUsd { get; init; }

        public long UncostedUsageCount { get; init; }

        public UsageTally ToTally() => new(
            SessionCount, MessageCount, InputTokens.Value, OutputTokens.Value, CacheReadInputTokens.Value, CacheCreationInputTokens.Value, ToolCallCount, CostUsd, UncostedUsageCount);
    }

    /// <summary>
    /// A sum of token counts as the database computes it in two parts that each stay within 64
    /// bits: the counts' multiples of 2^32 (each below 2^31) and their rests (each below 2^32), so
    /// neither part overflows under 2^31 rows. The whole is exact as a decimal.
    /// </summary>
    private sealed class TokenSum
    {
        public const long Part = 1L << 32;

        public long High { get; init; }

        public long Low { get; init; }

        public decimal Value => (High * (decimal)Part) + Low;
    }
}
