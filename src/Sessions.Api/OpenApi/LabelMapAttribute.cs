namespace Sessions.Api.OpenApi;

/// <summary>
/// States a label map's limits in the OpenAPI document (CONTRACT §5.2): at most
/// <see cref="Application.Sessions.SessionRules.MaxLabelKeys"/> keys, each with 1 to
/// <see cref="Application.Sessions.SessionRules.MaxLabelValues"/> distinct values (in the
/// description: repeated values are dropped, not counted) of 1 to
/// <see cref="Domain.Common.FieldLimits.LabelValue"/> characters, not ending in a space. The validators enforce the same,
/// and the keys' pattern too, which OpenAPI 3.0 cannot state for a map's keys.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class LabelMapAttribute : Attribute;
