namespace Sessions.Api.OpenApi;

/// <summary>
/// States a text field's limit (one of <see cref="Domain.Common.FieldLimits"/>) in the OpenAPI
/// document as <c>maxLength</c>. The validators enforce the same limit; this attribute only documents it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MaxCharsAttribute(int length) : Attribute
{
    public int Length { get; } = length;
}
