namespace Sessions.Api.OpenApi;

/// <summary>
/// States a cost in US dollars in the OpenAPI document: at least 0, at most
/// <see cref="Application.Transcripts.TranscriptRules.MaxCostUsd"/>, in steps of the stored
/// precision (<see cref="Application.Transcripts.TranscriptRules.CostDecimalPlaces"/> decimal
/// places; a client computing in floating point rounds to it). The validators enforce the same.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class CostAttribute : Attribute;
