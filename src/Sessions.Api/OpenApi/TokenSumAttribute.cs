namespace Sessions.Api.OpenApi;

/// <summary>
/// States a sum of token counts in the OpenAPI document as an integer with no format: a workspace's sums are exact and may pass what 64 bits hold, so the answer carries them
/// as decimals with no fraction, and <c>int64</c> would promise a bound they do not keep.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TokenSumAttribute : Attribute;
