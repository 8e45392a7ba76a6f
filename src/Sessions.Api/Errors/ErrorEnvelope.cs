using System.Text.Json.Serialization;

namespace Sessions.Api.Errors;

/// <summary>One field-level problem: where (<c>loc</c>), what (<c>msg</c>) and its machine type.</summary>
public sealed record ErrorDetail(
    [property: JsonPropertyName("loc")] IReadOnlyList<object> Loc,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("type")] string Type);

/// <summary>The body of every non-2xx answer (CONTRACT §2).</summary>
public sealed record ErrorEnvelope(
    int Code,
    string Detail,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorDetail>? Errors = null);
