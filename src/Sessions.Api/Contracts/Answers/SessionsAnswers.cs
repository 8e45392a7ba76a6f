using Sessions.Domain.Sessions;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

public sealed record FacetCount(
    string Value,
    long Count)
{
    public static FacetCount From(App.Sessions.Facets.FacetCount source) => new(
        source.Value,
        source.Count);
}

public sealed record SessionFacets(
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Labels,
    IReadOnlyList<FacetCount> Agents,
    IReadOnlyList<FacetCount> Models,
    IReadOnlyList<FacetCount> Origins,
    IReadOnlyList<UserFacetCount> Users)
{
    public static SessionFacets From(App.Sessions.Facets.SessionFacets source) => new(
        source.Labels.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<FacetCount>)[.. pair.Value.Select(FacetCount.From)], StringComparer.Ordinal),
        [.. source.Agents.Select(FacetCount.From)],
        [.. source.Models.Select(FacetCount.From)],
        [.. source.Origins.Select(FacetCount.From)],
        [.. source.Users.Select(UserFacetCount.From)]);
}

/// <summary>An owner's count, with the chip to show for them.</summary>
public sealed record UserFacetCount(
    string Value,
    long Count,
    UserChip? User)
{
    public static UserFacetCount From(App.Sessions.Facets.UserFacetCount source) => new(
        source.Value,
        source.Count,
        source.User is null ? null : UserChip.From(source.User));
}

/// <summary>The list envelope (CONTRACT §5.4).</summary>
public sealed record SessionPage(
    IReadOnlyList<SessionView> Sessions,
    long Total,
    int Page,
    int Limit,
    long TotalPages,
    bool HasNext,
    bool HasPrevious)
{
    public static SessionPage From(App.Sessions.List.SessionPage source) => new(
        [.. source.Sessions.Select(SessionView.From)],
        source.Total,
        source.Page,
        source.Limit,
        source.TotalPages,
        source.HasNext,
        source.HasPrevious);
}

/// <summary>The session object every session answer carries (CONTRACT §6).</summary>
public sealed record SessionView(
    Guid Id,
    Guid UserId,
    UserChip? CreatedBy,
    string? Title,
    string Model,
    string? Agent,
    SessionOrigin Origin,
    SessionVisibility Visibility,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Labels,
    int MessageCount,
    string? PreviewText,
    Guid? ProjectId,
    Guid? RuntimeId,
    Guid? GroupId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastMessageAt,
    DateTime? ArchivedAt,
    DateTime? PinnedAt,
    DateTime? FrozenAt,
    FrozenBy? FrozenBy,
    UserChip? SharedBy,
    DateTime? SharedAt,
    UsageView Usage)
{
    public static SessionView From(App.Sessions.SessionView source) => new(
        source.Id,
        source.UserId,
        source.CreatedBy is null ? null : UserChip.From(source.CreatedBy),
        source.Title,
        source.Model,
        source.Agent,
        source.Origin,
        source.Visibility,
        source.Labels,
        source.MessageCount,
        source.PreviewText,
        source.ProjectId,
        source.RuntimeId,
        source.GroupId,
        source.CreatedAt,
        source.UpdatedAt,
        source.LastMessageAt,
        source.ArchivedAt,
        source.PinnedAt,
        source.FrozenAt,
        source.FrozenBy,
        source.SharedBy is null ? null : UserChip.From(source.SharedBy),
        source.SharedAt,
        UsageView.From(source.Usage));
}

/// <summary>Token usage of a session's transcript (CONTRACT §6).</summary>
public sealed record UsageView(
    long TotalInputTokens,
    long TotalOutputTokens,
    long TotalCacheReadInputTokens,
    long TotalCacheCreationInputTokens,
    long TotalToolCallCount,
    decimal? TotalCostUsd,
    long TotalMessageCount,
    long CurrentMessageCount,
    long CurrentInputTokens,
    long CurrentOutputTokens,
    long CurrentCacheReadInputTokens,
    long CurrentCacheCreationInputTokens,
    long CurrentToolCallCount,
    decimal? CurrentCostUsd,
    long? LastGenerationInputTokens)
{
    public static UsageView From(App.Sessions.UsageView source) => new(
        source.TotalInputTokens,
        source.TotalOutputTokens,
        source.TotalCacheReadInputTokens,
        source.TotalCacheCreationInputTokens,
        source.TotalToolCallCount,
        source.TotalCostUsd,
        source.TotalMessageCount,
        source.CurrentMessageCount,
        source.CurrentInputTokens,
        source.CurrentOutputTokens,
        source.CurrentCacheReadInputTokens,
        source.CurrentCacheCreationInputTokens,
        source.CurrentToolCallCount,
        source.CurrentCostUsd,
        source.LastGenerationInputTokens);
}

/// <summary>A user as shown beside a session: enough for an email chip.</summary>
public sealed record UserChip(
    Guid Id,
    string? Email,
    string? FullName,
    string? Username)
{
    public static UserChip From(App.Sessions.UserChip source) => new(
        source.Id,
        source.Email,
        source.FullName,
        source.Username);
}
