using System.Text.Json;

namespace Sessions.Api.Json;

/// <summary>
/// The text free-form JSON objects of a request are stored as: written with the wire's own escaping
/// (<see cref="JsonDefaults"/>), so a character the client sent as itself is stored as itself and
/// counts once against the field's limit, not as a six-character <c>\uXXXX</c> escape.
/// </summary>
public static class FreeFormJson
{
    private static readonly JsonSerializerOptions Options = JsonDefaults.Create();

    public static string? Text(Dictionary<string, JsonElement>? value) => value is null ? null : JsonSerializer.Serialize(value, Options);
}
