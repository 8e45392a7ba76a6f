using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sessions.Api.Json;

/// <summary>
/// The text a free-form JSON object of a request is stored as: each member's value as the client
/// wrote it (<see cref="FreeFormJsonConverter"/> has checked its strings), so what counts against
/// the field's limit is what was sent, not a re-escaped copy (<c>é</c> or an emoji written as
/// itself would otherwise come back as six or twelve characters of <c>\u</c> escapes).
/// </summary>
public static class FreeFormJson
{
    /// <summary>
    /// How many levels of objects and arrays a free-form value may nest (the value itself is the
    /// first): an answer nests it a few levels deeper than the request did, within
    /// <see cref="JsonDefaults.MaxDepth"/>.
    /// </summary>
    public const int MaxDepth = 32;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? Text(FreeFormDictionary? value)
    {
        if (value is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            foreach (var (name, member) in value)
            {
                writer.WritePropertyName(name);
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(member), skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
