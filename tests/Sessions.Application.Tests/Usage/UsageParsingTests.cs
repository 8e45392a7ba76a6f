using Sessions.Application.Tests.Validation;
using Sessions.Application.Usage;

namespace Sessions.Application.Tests.Usage;

public sealed class UsageParsingTests
{

    [Theory]
    [InlineData("model", UsageDimension.Model, null, "model")]
    [InlineData("agent", UsageDimension.Agent, null, "agent")]
    [InlineData("user", UsageDimension.User, null, "user")]
    [InlineData("origin", UsageDimension.Origin, null, "origin")]
    [InlineData("day", UsageDimension.Day, null, "day")]
    [InlineData("label:team", UsageDimension.Label, "team", "label:team")]
    [InlineData("label:a:b", UsageDimension.Label, "a:b", "label:a:b")]
    public void GroupBy_NamesADimension(string text, UsageDimension dimension, string? key, string wire)
    {
        var grouping = UsageGrouping.Parse(text)!;

        Assert.Equal((dimension, key, wire), (grouping.Dimension, grouping.LabelKey, grouping.Wire));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Model")]
    [InlineData("label")]
    [InlineData("label:")]
    [InlineData("label:Team")]
    [InlineData("labels:team")]
    [InlineData("week")]
    public void GroupBy_RefusesAnythingElse(string? text)
    {
        Assert.Null(UsageGrouping.Parse(text));
    }

    [Theory]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-01T00:00:00")]
    [InlineData("2026-11-01t10:30:00+02:00", "2026-11-01T08:30:00")]
    [InlineData("2026-11-01 10:30:00.1234567-01:00", "2026-11-01T11:30:00.1234567")]
    [InlineData("2026-11-01T00:00:00.12345678Z", "2026-11-01T00:00:00.1234567")]
    [InlineData("2026-11-28T13:05:09.123456789Z", "2026-11-28T13:05:09.1234567")]
    [InlineData("2026-01-01T00:00:00+15:00", "2025-12-31T09:00:00")]
    [InlineData("2026-01-01T00:00:00-23:59", "2026-01-01T23:59:00")]
    [InlineData("2026-01-01T00:00:00+00:59", "2025-12-31T23:01:00")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00")]
    public void Timestamps_AreRfc3339WithAnOffset_ReadAsUtc(string text, string utc)
    {
        var at = UsageWindow.ParseTimestamp(text)!.Value;

        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), at);
        Assert.Equal(DateTimeKind.Utc, at.Kind);
    }

    [Theory]
    [InlineData("2026-11-01T00:00:00.1234560", "2026-11-01T00:00:00.123456")]
    [InlineData("2026-11-01T00:00:00.1234561", "2026-11-01T00:00:00.123457")]
    [InlineData("2026-11-01T00:00:00.1234569", "2026-11-01T00:00:00.123457")]
    [InlineData("2026-11-28T13:05:09.9999999", "2026-11-28T13:05:10")]
    [InlineData("9999-12-31T23:59:59.9999989", "9999-12-31T23:59:59.999999")]
    [InlineData("9999-12-31T23:59:59.9999990", "9999-12-31T23:59:59.999999")]
    [InlineData("9999-12-31T23:59:59.9999991", "9999-12-31T23:59:59.9999991")]
    public void WindowEdges_BetweenTwoMicroseconds_MoveUpToTheNext(string at, string compared)
    {
        var instant = DateTime.SpecifyKind(DateTime.Parse(at, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

        var stored = UsageWindow.InStoredMicroseconds(instant);

        Assert.Equal(DateTime.Parse(compared, System.Globalization.CultureInfo.InvariantCulture), stored);
        Assert.Equal(DateTimeKind.Utc, stored.Kind);
    }

    /// <summary>Digits past the 100 ns kept still count for an edge: any but zeros put it after the microsecond they follow.</summary>
    [Theory]
    [InlineData("2026-11-01T00:00:00.0000000001Z", "2026-11-01T00:00:00.000001")]
    [InlineData("2026-11-01T00:00:00.0000000000Z", "2026-11-01T00:00:00")]
    [InlineData("2026-11-01T00:00:00.000001000Z", "2026-11-01T00:00:00.000001")]
    [InlineData("2026-11-01T00:00:00.000001009Z", "2026-11-01T00:00:00.000002")]
    [InlineData("2026-11-01T01:00:00+01:00", "2026-11-01T00:00:00")]
    public void Edges_CountEveryDigitWritten(string text, string compared)
    {
        var edge = UsageWindow.ParseEdge(text)!.Value;

        Assert.Equal(DateTime.Parse(compared, System.Globalization.CultureInfo.InvariantCulture), edge);
        Assert.Equal(DateTimeKind.Utc, edge.Kind);
    }

    /// <summary>Which of two instants is later counts every digit written, past the 100 ns kept too, and trailing zeros change nothing.</summary>
    [Theory]
    [InlineData("2026-11-01T00:00:01Z", "2026-11-01T00:00:00Z", true)]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-01T00:00:01Z", false)]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", false)]
    [InlineData("2026-11-01T01:00:00+01:00", "2026-11-01T00:00:00Z", false)]
    [InlineData("2026-11-01T10:00:00.00000059Z", "2026-11-01T10:00:00.00000051Z", true)]
    [InlineData("2026-11-01T10:00:00.00000051Z", "2026-11-01T10:00:00.00000059Z", false)]
    [InlineData("2026-11-01T10:00:00.000000051Z", "2026-11-01T10:00:00.00000005Z", true)]
    [InlineData("2026-11-01T10:00:00.00000005Z", "2026-11-01T10:00:00.000000050Z", false)]
    [InlineData("2026-11-01T10:00:00.0000000001Z", "2026-11-01T10:00:00Z", true)]
    [InlineData("2026-11-01T10:00:00.0000001Z", "2026-11-01T10:00:00.00000009Z", true)]
    [InlineData("later", "2026-11-01T00:00:00Z", false)]
    [InlineData("2026-11-01T00:00:00Z", "earlier", false)]
    public void IsLater_CountsEveryDigitWritten(string later, string earlier, bool expected) =>
        Assert.Equal(expected, UsageWindow.IsLater(later, earlier));

    [Theory]
    [InlineData("2026-11-01T00:00:00")]
    [InlineData("2026-11-01")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("x2026-11-01T00:00:00Z")]
    [InlineData("2026-11-01T00:00:00Zx")]
    [InlineData("2026-11-01T00:00:00.Z")]
    [InlineData("2026-11-01T00:00:00+24:00")]
    [InlineData("2026-11-01T00:00:00-15:60")]
    [InlineData("2026-11-01T00:00:00+99:99")]
    [InlineData("2026-11-01T00:00:00+0100")]
    public void Timestamps_WithoutAnOffsetOrInvalid_AreRefused(string text)
    {
        Assert.Null(UsageWindow.ParseEdge(text));
        Assert.Null(UsageWindow.ParseTimestamp(text));
    }

    [Fact]
    public void AWindow_IsOpenOnlyWithoutBothEnds()
    {
        Assert.True(new UsageWindow(null, null).IsOpen);
        Assert.False(new UsageWindow(DateTime.UtcNow, null).IsOpen);
        Assert.False(new UsageWindow(null, DateTime.UtcNow).IsOpen);
    }

    [Fact]
    public async Task TheQuery_NeedsAGroupBy_AndAWindowInOrder()
    {
        Assert.Empty(await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "model", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z")));
        Assert.Equal(["GroupBy: is required: model, agent, user, origin, day or label:<key> (Missing)"], await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, null, null, null)));
        Assert.Equal(
            ["GroupBy: must be model, agent, user, origin, day or label:<key> (a label key is 1 to 64 characters of a-z, 0-9, '_', '.', ':', '/', '-') (NotAllowedValue)"],
            await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "week", null, null)));
        Assert.Equal(
            [
                "From: must be an RFC 3339 timestamp with its offset, e.g. 2026-11-01T00:00:00Z (NotATimestamp)",
                "To: must be an RFC 3339 timestamp with its offset, e.g. 2026-11-01T00:00:00Z (NotATimestamp)",
            ],
            await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "yesterday", "today")));
        Assert.Equal(["To: must be later than from (InvalidValue)"], await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "2026-11-02T00:00:00Z", "2026-11-02T00:00:00Z")));
        Assert.Empty(await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", null, "2026-11-02T00:00:00Z")));
        Assert.Equal(["Agents.0: must not be empty (StringTooShort)"], await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter with { Agents = [""] }, "day", null, null)));
    }

    /// <summary>A window is read by whole UTC days, and the calendar has none after 9999-12-31: both ends stay before it.</summary>
    [Fact]
    public async Task TheWindow_EndsBeforeTheCalendarsLastDay()
    {
        Assert.Empty(await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "model", "9999-12-30T23:59:59Z", null)));
        Assert.Equal(["From: must be earlier than 9999-12-31T00:00:00Z (InvalidValue)"], await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "model", "9999-12-31T00:00:00Z", null)));
        Assert.Equal(
            ["From: must be earlier than 9999-12-31T00:00:00Z (InvalidValue)", "To: must be earlier than 9999-12-31T00:00:00Z (InvalidValue)"],
            await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "9999-12-31T00:00:01Z", "9999-12-31T12:00:00Z")));
    }

    /// <summary>
    /// A well-formed timestamp whose offset carries it past either end of the calendar is told so,
    /// not called malformed; a date that does not exist is no timestamp.
    /// </summary>
    [Theory]
    [InlineData("0001-01-01T00:00:00+14:00", true)]
    [InlineData("0001-01-01T00:00:00.123456789+14:00", true)]
    [InlineData("9999-12-31T23:59:59-00:01", true)]
    [InlineData("0001-01-01T22:00:00+23:00", true)]
    [InlineData("0001-01-01T23:00:00+23:00", false)]
    [InlineData("2026-11-01T00:00:00+99:99", false)]
    [InlineData("0001-01-01T00:00:00Z", false)]
    [InlineData("2026-11-01T00:00:00+14:00", false)]
    [InlineData("2026-02-30T00:00:00+14:00", false)]
    [InlineData("0001-01-01T00:00:00", false)]
    [InlineData("yesterday", false)]
    public void BeyondTheCalendar_IsAWellFormedInstantOutsideIt_NotAnyTextThatIsNoTimestamp(string text, bool beyond) =>
        Assert.Equal(beyond, UsageWindow.BeyondTheCalendar(text));

    [Fact]
    public async Task AnEdgeBeyondTheCalendarOnceItsOffsetIsApplied_IsToldSo()
    {
        const string Beyond = "must be an instant from 0001-01-01T00:00:00Z, earlier than 9999-12-31T00:00:00Z, once its offset is applied (InvalidValue)";
        Assert.Equal(
            [$"From: {Beyond}", $"To: {Beyond}"],
            await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "0001-01-01T00:00:00.5+14:00", "9999-12-31T23:59:59-14:00")));
        Assert.Empty(await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "0001-01-01T14:00:00+14:00", null)));
        Assert.Empty(await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "2026-01-01T00:00:00+15:00", "2026-01-02T00:00:00-23:00")));
        Assert.Equal(
            ["From: must be an RFC 3339 timestamp with its offset, e.g. 2026-11-01T00:00:00Z (NotATimestamp)"],
            await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "2026-01-01T00:00:00+99:99", null)));
        Assert.Equal(
            ["From: must be an RFC 3339 timestamp with its offset, e.g. 2026-11-01T00:00:00Z (NotATimestamp)"],
            await Errors(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "2026-02-30T00:00:00+14:00", null)));
    }

    private static Task<List<string>> Errors(GetUsageQuery query) => Validate.ErrorsAsync(query, new GetUsageValidator());
}
