namespace Sessions.Api.OpenApi;

/// <summary>
/// States that the contract requires a request field: the OpenAPI document lists it as required
/// and not null, so a generated client will not compile without it. The validators enforce the
/// same rule (422 at the field when it is missing or null); this attribute only documents it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class RequiredFieldAttribute : Attribute;
