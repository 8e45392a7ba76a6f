using NJsonSchema;

namespace Sessions.Api.OpenApi;

/// <summary>
/// States a text field's limit (one of <see cref="Domain.Common.FieldLimits"/>) in the OpenAPI
/// document as <c>maxLength</c>, and its least length, where the validators refuse an empty text,
/// as <c>minLength</c>. The validators enforce the same limits; this attribute only documents them.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MaxCharsAttribute(int length) : Attribute
{
    public int Length { get; } = length;

    /// <summary>The least length the validators take (0: any, an empty text too).</summary>
    public int Minimum { get; init; }

    /// <summary>Writes the limits on a text's schema (a body's property or a query parameter).</summary>
    public void WriteTo(JsonSchema text)
    {
        text.MaxLength = Length;
        if (Minimum > 0)
        {
            text.MinLength = Minimum;
        }
    }
}
