namespace Sessions.Api.OpenApi;

/// <summary>States the pattern a text field must match in the OpenAPI document; the validators enforce it, this only documents it.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}
