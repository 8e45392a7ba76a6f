using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Api.Json;

/// <summary>
/// Free-form JSON in a request (metadata, item data, tool call arguments), read as it is sent but
/// refused when a string or a member name holds an escape that is not Unicode text: an unpaired
/// surrogate (<c>"\ud800"</c>) parses, but cannot be stored as text or written back to a client,
/// so it is refused where it is read, at its field.
/// </summary>
public sealed class FreeFormJsonConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // The serializer hands a converter the whole value: a copy of the reader walks it first.
        var walk = reader;
        try
        {
            UnescapeEscapedStrings(ref walk);
        }
        catch (InvalidOperationException exception)
        {
            throw new UnpairedSurrogateException(exception);
        }

        return JsonElement.ParseValue(ref reader);
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    /// <summary>
    /// Unescapes every string and member name of the value that holds an escape, which throws on an
    /// unpaired surrogate; strings without one (nearly all) are not copied.
    /// </summary>
    private static void UnescapeEscapedStrings(ref Utf8JsonReader reader)
    {
        Unescape(ref reader);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            Unescape(ref reader);
        }
    }

    private static void Unescape(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
        {
            reader.GetString();
        }
    }
}

/// <summary>A JSON string escape that is no Unicode text; the envelope names its field.</summary>
public sealed class UnpairedSurrogateException(Exception inner)
    : JsonException("A string holds an unpaired surrogate escape (\\uD800-\\uDFFF without its pair).", inner);
