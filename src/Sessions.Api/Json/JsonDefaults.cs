using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sessions.Api.Json;

/// <summary>
/// The wire format: snake_case names read exactly as written, lowercase enum strings read exactly, numbers only as JSON
/// numbers (never <c>"5"</c>), RFC 3339 UTC timestamps, nulls written.
/// </summary>
public static class JsonDefaults
{
    /// <summary>
    /// How deep a body is read and an answer written: past what a free-form value may nest
    /// (<see cref="FreeFormJson.MaxDepth"/>) with the levels around it, in a request and in any
    /// answer that carries it, so that what was taken can always be written back.
    /// </summary>
    public const int MaxDepth = 64;

    public static void Apply(JsonSerializerOptions options)
    {
        options.MaxDepth = MaxDepth;
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;

        // A member is read by its name as written on the wire only: `Model` is no `model` (as a
        // peer reading with Pydantic takes it), so `{"model":"a","Model":"b"}` is model "a".
        options.PropertyNameCaseInsensitive = false;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.NumberHandling = JsonNumberHandling.Strict;

        // Answers are application/json, never HTML: quotes and apostrophes need no escaping.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new WireEnumConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcDateTimeJsonConverter());
        options.Converters.Add(new FreeFormJsonConverter());
    }

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        return options;
    }
}
