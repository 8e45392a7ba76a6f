using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Api.Json;

/// <summary>
/// Free-form JSON in a request (metadata, item data, tool call arguments), read as it is sent but
/// refused where it is read, at its field, when it could not be stored or written back: a string
/// or a member name holding an escape that is not Unicode text (an unpaired surrogate,
/// <c>"\ud800"</c>, parses but is no text), or a value nesting more than
/// <see cref="FreeFormJson.MaxDepth"/> levels (answers nest it deeper than the request did, and
/// every answer is written within <see cref="JsonDefaults.MaxDepth"/>).
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
    /// unpaired surrogate (strings without one, nearly all, are not copied), and measures how deep
    /// its objects and arrays nest.
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
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth - depth >= FreeFormJson.MaxDepth)
            {
                throw new FreeFormTooDeepException();
            }

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

/// <summary>A free-form value nesting deeper than <see cref="FreeFormJson.MaxDepth"/>; the envelope names its field.</summary>
public sealed class FreeFormTooDeepException()
    : JsonException(FormattableString.Invariant($"A free-form JSON value nests more than {FreeFormJson.MaxDepth} levels of objects and arrays."));
