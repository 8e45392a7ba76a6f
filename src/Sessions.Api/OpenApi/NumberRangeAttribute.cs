namespace Sessions.Api.OpenApi;

/// <summary>
/// States a number field's range in the OpenAPI document (<c>minimum</c>, and <c>maximum</c> when
/// the range has one short of the type's own). The validators enforce the same range (422 at the
/// field); this attribute only documents it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class NumberRangeAttribute(long minimum, long maximum = long.MaxValue) : Attribute
{
    public long Minimum { get; } = minimum;

    /// <summary>The greatest value taken; <see cref="long.MaxValue"/> when only the type bounds it (not written).</summary>
    public long Maximum { get; } = maximum;
}
