namespace Sessions.Api.OpenApi;

/// <summary>
/// States a cost in US dollars in the OpenAPI document: at least 0, below 10^10 (at most
/// <see cref="Application.Transcripts.TranscriptRules.MaxCostUsd"/>); its precision
/// (<see cref="Application.Transcripts.TranscriptRules.CostDecimalPlaces"/> decimal places, to which a
/// client computing in floating point rounds) is in the field's description, as no schema keyword
/// states it in a way floating-point validators apply exactly. The validators enforce both.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class CostAttribute : Attribute;
