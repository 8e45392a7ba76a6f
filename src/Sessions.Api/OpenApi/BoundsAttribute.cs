namespace Sessions.Api.OpenApi;

/// <summary>
/// States a numeric query parameter's range and the value taken when it is absent, in the OpenAPI
/// document (<c>minimum</c>, <c>maximum</c>, <c>default</c>) and in the message a value that is no
/// integer gets. The validators enforce the range and the handlers apply the default; this
/// attribute only states them.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class BoundsAttribute(long minimum, long maximum, long defaultValue) : Attribute
{
    public long Minimum { get; } = minimum;

    /// <summary>The greatest value taken; <see cref="long.MaxValue"/> when only the type bounds it (not written in the document).</summary>
    public long Maximum { get; } = maximum;

    public long Default { get; } = defaultValue;
}
