using System.Globalization;
using System.Text.Json;
using Sessions.Api.Json;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Every timestamp of the wire is <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> in UTC (CONTRACT §6): six
/// fractional digits, the seventh cut, not rounded. The converter writes it from the runtime's
/// round-trip form; here it is held to the custom format it replaced, at the edges of the calendar
/// and of each kind of <see cref="DateTime"/>, and at random instants.
/// </summary>
public sealed class TimestampFormatTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new UtcDateTimeJsonConverter() } };

    public static TheoryData<DateTime> Instants()
    {
        var random = new Random(20261205);
        var instants = new TheoryData<DateTime>
        {
            DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
            DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
            new DateTime(2026, 11, 28, 13, 5, 9, DateTimeKind.Utc).AddTicks(1_234_569),
            new DateTime(2026, 11, 28, 13, 5, 9, DateTimeKind.Utc),
            new DateTime(2026, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
            new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local).AddTicks(7),
            new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Unspecified).AddTicks(70),
        };
        for (var i = 0; i < 200; i++)
        {
            instants.Add(new DateTime(random.NextInt64(new DateTime(2000, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks), DateTimeKind.Utc));
        }

        return instants;
    }

    [Theory]
    [MemberData(nameof(Instants))]
    public void ATimestamp_IsWrittenAsTheWiresFormatWritesIt(DateTime instant)
    {
        var expected = instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        Assert.Equal($"\"{expected}\"", JsonSerializer.Serialize(instant, Options));
        Assert.Equal(instant.ToUniversalTime().AddTicks(-(instant.Ticks % 10)), JsonSerializer.Deserialize<DateTime>(JsonSerializer.Serialize(instant, Options), Options));
    }
}
