using NJsonSchema;

namespace Sessions.Api.OpenApi;

/// <summary>
/// States how many items a request list holds at least and at most, in the OpenAPI document
/// (<c>minItems</c>, <c>maxItems</c>), and that none of them is null. The validators enforce the
/// same (a null item is 422 at its index); this attribute only documents it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class CountAttribute(int minimum, int maximum) : Attribute
{
    public int Minimum { get; } = minimum;

    public int Maximum { get; } = maximum;

    /// <summary>Writes the count on a list's schema (a body's property or a repeated query parameter).</summary>
    public void WriteTo(JsonSchema list)
    {
        list.MinItems = Minimum;
        list.MaxItems = Maximum;
    }
}
