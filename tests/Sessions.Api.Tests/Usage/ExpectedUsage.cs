using System.Globalization;
using System.Text.Json.Nodes;

namespace Sessions.Api.Tests.Usage;

/// <summary>A session as the test wrote it, with its messages as the transcript answers them.</summary>
public sealed record WrittenSession(Guid Id, Guid OwnerId, string Model, string? Agent, string Origin, IReadOnlyDictionary<string, string[]> Labels, IReadOnlyList<JsonObject> Messages);

/// <summary>Usage recomputed in test code from transcripts, in the shape <c>GET .../sessions/usage</c> answers.</summary>
public static class ExpectedUsage
{
    /// <summary>
    /// The buckets, keyed as answered, for the sessions given. <paramref name="keys"/> gives a
    /// session's keys (none when the dimension buckets by message day).
    /// </summary>
    public static Dictionary<string, string> Buckets(IEnumerable<WrittenSession> sessions, Func<WrittenSession, IEnumerable<string?>> keys, Func<JsonObject, bool> counted)
    {
        var buckets = new Dictionary<string, List<(WrittenSession Session, List<JsonObject> Messages)>>();
        foreach (var session in sessions)
        {
            foreach (var key in keys(session))
            {
                Add(buckets, key ?? "null", session, [.. session.Messages.Where(counted)]);
            }
        }

        return buckets.ToDictionary(b => b.Key, b => Figures(b.Value, countEmpty: true));
    }

    /// <summary>Buckets by the UTC day of each message.</summary>
    public static Dictionary<string, string> ByDay(IEnumerable<WrittenSession> sessions, Func<JsonObject, bool> counted)
    {
        var buckets = new Dictionary<string, List<(WrittenSession Session, List<JsonObject> Messages)>>();
        foreach (var session in sessions)
        {
            foreach (var day in session.Messages.Where(counted).GroupBy(m => CreatedAt(m).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            {
                Add(buckets, day.Key, session, [.. day]);
            }
        }

        return buckets.ToDictionary(b => b.Key, b => Figures(b.Value, countEmpty: false));
    }

    /// <summary>
    /// The figures of a set of sessions as the answer writes them: sessions without a counted
    /// message count only when <paramref name="countEmpty"/> (no window).
    /// </summary>
    public static string Figures(IEnumerable<(WrittenSession Session, List<JsonObject> Messages)> sessions, bool countEmpty)
    {
        var counted = sessions.Where(s => countEmpty || s.Messages.Count > 0).ToList();
        var messages = counted.SelectMany(s => s.Messages).ToList();
        var withUsage = messages.Select(m => m["usage"]).OfType<JsonObject>().ToList();
        decimal? cost = withUsage.Any(u => u["cost_usd"] is null) ? null : withUsage.Sum(u => u["cost_usd"]!.GetValue<decimal>());
        return new JsonObject
        {
            ["session_count"] = counted.Select(s => s.Session.Id).Distinct().Count(),
            ["message_count"] = messages.Count,
            ["input_tokens"] = withUsage.Sum(u => u["input_tokens"]!.GetValue<long>()),
            ["output_tokens"] = withUsage.Sum(u => u["output_tokens"]!.GetValue<long>()),
            ["cache_read_input_tokens"] = withUsage.Sum(u => u["cache_read_input_tokens"]!.GetValue<long>()),
            ["cache_creation_input_tokens"] = withUsage.Sum(u => u["cache_creation_input_tokens"]!.GetValue<long>()),
            ["tool_call_count"] = messages.Sum(m => m["tool_calls"]!.AsArray().Count),
            ["cost_usd"] = cost is { } known ? JsonValue.Create(known / 1.000000000000000000000000000000000m) : null,
        }.ToJsonString();
    }

    /// <summary>An answered bucket or totals object, key aside, written like <see cref="Figures"/>.</summary>
    public static string Answered(JsonNode figures)
    {
        var copy = figures.DeepClone().AsObject();
        copy.Remove("key");
        if (copy["cost_usd"] is { } cost)
        {
            copy["cost_usd"] = JsonValue.Create(cost.GetValue<decimal>() / 1.000000000000000000000000000000000m);
        }

        return copy.ToJsonString();
    }

    public static DateTime CreatedAt(JsonObject message) => message["created_at"]!.GetValue<DateTime>().ToUniversalTime();

    private static void Add(Dictionary<string, List<(WrittenSession, List<JsonObject>)>> buckets, string key, WrittenSession session, List<JsonObject> messages)
    {
        if (!buckets.TryGetValue(key, out var list))
        {
            buckets[key] = list = [];
        }

        list.Add((session, messages));
    }
}
