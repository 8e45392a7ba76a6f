namespace Sessions.Application.Sessions.Facets;

public sealed record FacetCount(string Value, long Count);

/// <summary>An owner's count, with the chip to show for them.</summary>
public sealed record UserFacetCount(string Value, long Count, UserChip? User);

public sealed record SessionFacets(
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Labels,
    IReadOnlyList<FacetCount> Agents,
    IReadOnlyList<FacetCount> Models,
    IReadOnlyList<FacetCount> Origins,
    IReadOnlyList<UserFacetCount> Users);
