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
        var element = JsonElement.ParseValue(ref reader);
        try
        {
            ReadEveryString(element);
        }
        catch (InvalidOperationException exception)
        {
            throw new UnpairedSurrogateException(exception);
        }

        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    /// <summary>Unescapes every string and member name, which throws on an unpaired surrogate.</summary>
    private static void ReadEveryString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    _ = member.Name;
                    ReadEveryString(member.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadEveryString(item);
                }

                break;
        }
    }
}

/// <summary>A JSON string escape that is no Unicode text; the envelope names its field.</summary>
public sealed class UnpairedSurrogateException(Exception inner)
    : JsonException("A string holds an unpaired surrogate escape (\\uD800-\\uDFFF without its pair).", inner);
