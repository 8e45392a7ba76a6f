using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Usage;

/// <summary>What a save changes in <see cref="SessionUsageDay"/> rows: the messages it adds, less those it removes, per session and day.</summary>
internal sealed class UsageDayDeltas
{
    private readonly Dictionary<(Guid SessionId, DateTime Day), UsageTotals> _deltas = [];

    public bool HasPending => _deltas.Count > 0;

    public void Add(SessionMessage message) => Add(message.SessionId, message.CreatedAt, UsageTotals.Of(message));

    public void Add(Guid sessionId, DateTime at, UsageTotals totals)
    {
        var key = (sessionId, DayOf(at));
        _deltas[key] = _deltas.TryGetValue(key, out var sum) ? sum + totals : totals;
    }

    public void Subtract(Guid sessionId, DateTime at, UsageTotals totals)
    {
        var key = (sessionId, DayOf(at));
        _deltas[key] = (_deltas.TryGetValue(key, out var sum) ? sum : UsageTotals.Zero) - totals;
    }

    /// <summary>The sessions the pending deltas are about.</summary>
    public IEnumerable<Guid> Sessions => _deltas.Keys.Select(k => k.SessionId).Distinct();

    /// <summary>The rows to add, in key order (so concurrent saves lock rows in the same order), and forgets them.</summary>
    public IReadOnlyList<SessionUsageDay> Take(IReadOnlyDictionary<Guid, Session> sessions)
    {
        var rows = _deltas
            .Where(d => d.Value != UsageTotals.Zero)
            .OrderBy(d => d.Key.SessionId).ThenBy(d => d.Key.Day)
            .Select(d => SessionUsageDay.From(sessions[d.Key.SessionId], d.Key.Day, d.Value))
            .ToList();
        _deltas.Clear();
        return rows;
    }

    public void Clear() => _deltas.Clear();

    /// <summary>Midnight UTC of the day of <paramref name="at"/>.</summary>
    public static DateTime DayOf(DateTime at) => DateTime.SpecifyKind(at.ToUniversalTime().Date, DateTimeKind.Utc);
}
