using System.Collections.ObjectModel;

namespace Sessions.Domain.Sessions;

/// <summary>One value of one label key; a session's labels are the ordered set of these.</summary>
public sealed class SessionLabel
{
    public SessionLabel(string key, string value, int position)
    {
        Key = key;
        Value = value;
        Position = position;
    }

    public string Key { get; private set; }

    public string Value { get; private set; }

    /// <summary>Keeps the client's order of keys and values when the map is read back.</summary>
    public int Position { get; private set; }

    /// <summary>The map of a session without labels.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> NoLabels { get; } = ReadOnlyDictionary<string, IReadOnlyList<string>>.Empty;

    /// <summary>Flattens a label map into rows, dropping duplicate values of a key.</summary>
    public static List<SessionLabel> FromMap(IReadOnlyDictionary<string, IReadOnlyList<string>> labels)
    {
        var rows = new List<SessionLabel>();
        foreach (var (key, values) in labels)
        {
            foreach (var value in values.Distinct(StringComparer.Ordinal))
            {
                rows.Add(new SessionLabel(key, value, rows.Count));
            }
        }

        return rows;
    }

    /// <summary>
    /// Rebuilds the label map from rows in their stored order: keys in the order of their first
    /// value, each key's values in theirs. Written as a loop: every session of a list page is
    /// mapped, and grouping with LINQ was a sixth of the page's allocations
    /// (bench/results/2026-12-04-allocations.md).
    /// </summary>
    public static Dictionary<string, IReadOnlyList<string>> ToMap(IEnumerable<SessionLabel> rows)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var label in rows.OrderBy(l => l.Position))
        {
            if (map.TryGetValue(label.Key, out var values))
            {
                // Every list in the map is one this loop made.
                ((List<string>)values).Add(label.Value);
            }
            else
            {
                map.Add(label.Key, new List<string>(1) { label.Value });
            }
        }

        return map;
    }
}
