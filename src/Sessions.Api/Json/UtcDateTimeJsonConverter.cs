using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Api.Json;

/// <summary>Writes timestamps as <c>2026-11-28T13:05:09.123456Z</c>; reads any RFC 3339 time and keeps it as UTC.</summary>
public sealed class UtcDateTimeJsonConverter : JsonConverter<DateTime>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
}
