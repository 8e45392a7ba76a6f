using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Api.Json;

/// <summary>Writes timestamps as <c>2026-11-28T13:05:09.123456Z</c>; reads any RFC 3339 time and keeps it as UTC.</summary>
public sealed class UtcDateTimeJsonConverter : JsonConverter<DateTime>
{
    /// <summary>The round-trip form of a UTC time, <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>: 28 bytes.</summary>
    private const int RoundTripLength = 28;

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().UtcDateTime;

    /// <summary>
    /// The round-trip form (<c>O</c>, which the runtime writes without parsing a format) with its
    /// seventh fractional digit cut, as <c>ffffff</c> cuts it: written as UTF-8 into the stack, with
    /// no string in between.
    /// </summary>
    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[RoundTripLength];
        var formatted = value.ToUniversalTime().TryFormat(utf8, out var written, "O", CultureInfo.InvariantCulture);
        Debug.Assert(formatted && written == RoundTripLength, "A UTC time's round-trip form is 28 bytes from year 1 to 9999.");
        utf8[^2] = (byte)'Z';
        writer.WriteStringValue(utf8[..^1]);
    }
}
