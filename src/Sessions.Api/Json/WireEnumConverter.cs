using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Api.Json;

/// <summary>
/// Enums on the wire are lowercase snake_case strings, read exactly as written: <c>"user"</c> is a
/// role, <c>"USER"</c> and <c>1</c> are not. (System.Text.Json's own string-enum converter reads any
/// letter case and is kept after this one only so schema generators see that enums are strings.)
/// </summary>
public sealed class WireEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Exact<>).MakeGenericType(typeToConvert))!;

    private sealed class Exact<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        private static readonly FrozenDictionary<string, TEnum> ByName =
            Enum.GetValues<TEnum>().ToFrozenDictionary(value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()), StringComparer.Ordinal);

        private static readonly FrozenDictionary<TEnum, JsonEncodedText> Names =
            ByName.ToFrozenDictionary(pair => pair.Value, pair => JsonEncodedText.Encode(pair.Key));

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && ByName.TryGetValue(text, out var value))
            {
                return value;
            }

            throw new JsonException($"Not a {typeof(TEnum).Name}.");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Names[value]);
    }
}
