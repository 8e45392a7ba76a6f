using System.Globalization;
using System.Text.RegularExpressions;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Usage;

/// <summary>What usage is bucketed by: a session's model, agent, owner, origin or the value of one of its labels, or the UTC day of a message.</summary>
public enum UsageDimension
{
    Model,
    Agent,
    User,
    Origin,
    Day,
    Label,
}

/// <summary>A parsed <c>group_by</c>: the dimension, and the label key for <see cref="UsageDimension.Label"/>.</summary>
public sealed record UsageGrouping(UsageDimension Dimension, string? LabelKey)
{
    public const string LabelPrefix = "label:";

    /// <summary>What <c>group_by</c> takes, for the messages that refuse another value: every dimension's wire name, the label's with its key.</summary>
    public static string Choices { get; } =
        string.Join(", ", Enum.GetValues<UsageDimension>().Where(d => d != UsageDimension.Label).Select(WireEnum.Name)) + $" or {LabelPrefix}<key>";

    public string Wire => Dimension == UsageDimension.Label ? LabelPrefix + LabelKey : WireEnum.Name(Dimension);

    public static UsageGrouping? Parse(string? text) => text switch
    {
        _ when WireEnum.TryParse<UsageDimension>(text, out var dimension) && dimension != UsageDimension.Label => new(dimension, null),
        _ when text is not null && text.StartsWith(LabelPrefix, StringComparison.Ordinal) && SessionRules.IsLabelKey(text[LabelPrefix.Length..]) =>
            new(UsageDimension.Label, text[LabelPrefix.Length..]),
        _ => null,
    };
}

/// <summary>Messages created in [<see cref="From"/>, <see cref="To"/>); an open end is unbounded.</summary>
public sealed partial record UsageWindow(DateTime? From, DateTime? To)
{
    public bool IsOpen => From is null && To is null;

    /// <summary>
    /// An RFC 3339 timestamp with its offset, as UTC; null when the text is not one. Fractions of
    /// a second beyond the 100 ns the platform keeps (nanoseconds, as many clients write them)
    /// are cut, not refused: RFC 3339 sets no limit to them.
    /// </summary>
    public static DateTime? ParseTimestamp(string text) => Parse(text, out _);

    /// <summary>
    /// A window's edge written as RFC 3339 text, as the databases compare it
    /// (<see cref="InStoredMicroseconds"/>); a fraction past the 100 ns kept counts too, so
    /// <c>00:00:00.0000000001</c> is after a message stamped at <c>00:00:00</c>. Null when the text is not one.
    /// </summary>
    public static DateTime? ParseEdge(string text) =>
        Parse(text, out var excess) is { } at ? InStoredMicroseconds(at, excess.Any(digit => digit != '0')) : null;

    /// <summary>
    /// Whether the timestamp <paramref name="later"/> is a later instant than <paramref name="earlier"/>,
    /// every digit written counted (two instants apart by less than 100 ns are still two); false
    /// when either is not a timestamp.
    /// </summary>
    public static bool IsLater(string later, string earlier)
    {
        if (Parse(later, out var laterExcess) is not { } end || Parse(earlier, out var earlierExcess) is not { } start)
        {
            return false;
        }

        var width = Math.Max(laterExcess.Length, earlierExcess.Length);
        return end > start || (end == start && string.CompareOrdinal(laterExcess.PadRight(width, '0'), earlierExcess.PadRight(width, '0')) > 0);
    }

    /// <summary>
    /// Whether the text is written as an RFC 3339 timestamp whose local date and time exist but whose
    /// instant falls outside the calendar once its offset is taken off
    /// (<c>0001-01-01T00:00:00+14:00</c>): not a timestamp of the platform's, though well formed.
    /// </summary>
    public static bool BeyondTheCalendar(string text) => Written(text, out _) is { } written && InCalendar(written) is null;

    /// <summary>The timestamp cut to 100 ns, and the digits cut (<paramref name="excess"/>, empty when none).</summary>
    private static DateTime? Parse(string text, out string excess) => Written(text, out excess) is { } written ? InCalendar(written) : null;

    /// <summary>
    /// The local date and time as written, cut to 100 ns, and the offset: any RFC 3339 allows (hours
    /// 00 to 23, minutes 00 to 59), not only the ±14:00 the platform's own offsets keep to. Null when
    /// the text is not such a timestamp, or names a date or time that does not exist.
    /// </summary>
    private static (DateTime Local, TimeSpan Offset)? Written(string text, out string excess)
    {
        var match = Rfc3339().Match(text);
        var cut = match.Groups["excess"];
        excess = cut.Value;
        if (!match.Success
            || !DateTime.TryParse(match.Groups["local"].Value.Remove(cut.Index, cut.Length), CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        if (match.Groups["hours"] is not { Success: true } hours)
        {
            return (local, TimeSpan.Zero);
        }

        var (h, m) = (int.Parse(hours.Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture));
        if (h > 23 || m > 59)
        {
            return null;
        }

        var offset = new TimeSpan(h, m, 0);
        return (local, match.Groups["sign"].Value == "-" ? -offset : offset);
    }

    /// <summary>The instant, in UTC, of a local time at its offset; null when that falls outside the calendar.</summary>
    private static DateTime? InCalendar((DateTime Local, TimeSpan Offset) written)
    {
        var ticks = written.Local.Ticks - written.Offset.Ticks;
        return ticks is >= 0 && ticks <= DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Utc) : null;
    }

    /// <summary>
    /// The edge as the databases compare it: an instant between two microseconds moves up to the
    /// next one. Messages are stamped in whole microseconds, so "at or after the instant" selects
    /// the same messages either way, and every database compares the same value (PostgreSQL keeps
    /// microseconds only and would cut a finer parameter down, counting a message the others leave
    /// out). <paramref name="finer"/> says the instant was past <paramref name="at"/> by less than its
    /// 100 ns. An instant in the calendar's last microsecond stays as it is.
    /// </summary>
    public static DateTime InStoredMicroseconds(DateTime at, bool finer = false)
    {
        var below = at.Ticks % TimeSpan.TicksPerMicrosecond;
        return (below == 0 && !finer) || at.Ticks > DateTime.MaxValue.Ticks - TimeSpan.TicksPerMicrosecond
            ? at
            : new DateTime(at.Ticks - below + TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
    }

    // ASCII digits only, and the text's end (\z: `$` would also take a trailing newline).
    [GeneratedRegex(@"^(?<local>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7}(?<excess>[0-9]*))?)([Zz]|(?<sign>[+-])(?<hours>[0-9]{2}):(?<minutes>[0-9]{2}))\z")]
    private static partial Regex Rfc3339();
}

/// <summary>
/// Sums over a set of sessions' messages, exact: a token sum may pass what 64 bits hold (each
/// session's fits; a workspace's need not). The cost is known only when no counted message with
/// usage lacks one.
/// </summary>
public sealed record UsageTally(
    long SessionCount,
    long MessageCount,
    decimal InputTokens,
    decimal OutputTokens,
    decimal CacheReadInputTokens,
    decimal CacheCreationInputTokens,
    long ToolCallCount,
    decimal CostUsd,
    long UncostedUsageCount)
{
    public static UsageTally None { get; } = new(0, 0, 0m, 0m, 0m, 0m, 0, 0m, 0);

    /// <summary>Every kind of token together.</summary>
    public decimal Tokens => InputTokens + OutputTokens + CacheReadInputTokens + CacheCreationInputTokens;

    public static UsageTally operator +(UsageTally left, UsageTally right) => new(
        left.SessionCount + right.SessionCount,
        left.MessageCount + right.MessageCount,
        left.InputTokens + right.InputTokens,
        left.OutputTokens + right.OutputTokens,
        left.CacheReadInputTokens + right.CacheReadInputTokens,
        left.CacheCreationInputTokens + right.CacheCreationInputTokens,
        left.ToolCallCount + right.ToolCallCount,
        left.CostUsd + right.CostUsd,
        left.UncostedUsageCount + right.UncostedUsageCount);
}

/// <summary>The figures of a bucket or of the totals, as answered (CONTRACT §5.8).</summary>
public sealed record UsageFigures(
    long SessionCount,
    long MessageCount,
    decimal InputTokens,
    decimal OutputTokens,
    decimal CacheReadInputTokens,
    decimal CacheCreationInputTokens,
    long ToolCallCount,
    decimal? CostUsd)
{
    public static UsageFigures From(UsageTally sums) => new(
        sums.SessionCount,
        sums.MessageCount,
        sums.InputTokens,
        sums.OutputTokens,
        sums.CacheReadInputTokens,
        sums.CacheCreationInputTokens,
        sums.ToolCallCount,
        sums.UncostedUsageCount > 0 ? null : UsageTotals.Normalize(sums.CostUsd));
}

/// <summary>One bucket: its key (null for sessions without the dimension's value: no agent, no such label) and its figures.</summary>
public sealed record UsageBucket(
    string? Key,
    long SessionCount,
    long MessageCount,
    decimal InputTokens,
    decimal OutputTokens,
    decimal CacheReadInputTokens,
    decimal CacheCreationInputTokens,
    long ToolCallCount,
    decimal? CostUsd)
{
    public static UsageBucket From(string? key, UsageTally sums)
    {
        var figures = UsageFigures.From(sums);
        return new(key, figures.SessionCount, figures.MessageCount, figures.InputTokens, figures.OutputTokens,
            figures.CacheReadInputTokens, figures.CacheCreationInputTokens, figures.ToolCallCount, figures.CostUsd);
    }
}

public sealed record WorkspaceUsage(string GroupBy, IReadOnlyList<UsageBucket> Buckets, UsageFigures Totals);

/// <summary>Usage sums of the sessions an audience sees and criteria match.</summary>
public interface IUsageReadStore
{
    /// <summary>
    /// The sums per bucket (keys as answered: wire names, UUIDs, <c>yyyy-MM-dd</c>) and in total.
    /// Without a window, the totals are those of every matching session (message or not).
    /// </summary>
    Task<(IReadOnlyList<(string? Key, UsageTally Sums)> Buckets, UsageTally Totals)> SumAsync(
        SessionAudience audience, SessionCriteria criteria, UsageGrouping grouping, UsageWindow window, CancellationToken cancellationToken);
}
