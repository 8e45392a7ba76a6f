using Sessions.Api.OpenApi;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary>One bucket: its key (null for sessions without the dimension's value: no agent, no such label) and its figures.</summary>
public sealed record UsageBucket(
    string? Key,
    long SessionCount,
    long MessageCount,
    [TokenSum] decimal InputTokens,
    [TokenSum] decimal OutputTokens,
    [TokenSum] decimal CacheReadInputTokens,
    [TokenSum] decimal CacheCreationInputTokens,
    long ToolCallCount,
    decimal? CostUsd)
{
    public static UsageBucket From(App.Usage.UsageBucket source) => new(
        source.Key,
        source.SessionCount,
        source.MessageCount,
        source.InputTokens,
        source.OutputTokens,
        source.CacheReadInputTokens,
        source.CacheCreationInputTokens,
        source.ToolCallCount,
        source.CostUsd);
}

/// <summary>The figures of a bucket or of the totals, as answered (CONTRACT §5.8).</summary>
public sealed record UsageFigures(
    long SessionCount,
    long MessageCount,
    [TokenSum] decimal InputTokens,
    [TokenSum] decimal OutputTokens,
    [TokenSum] decimal CacheReadInputTokens,
    [TokenSum] decimal CacheCreationInputTokens,
    long ToolCallCount,
    decimal? CostUsd)
{
    public static UsageFigures From(App.Usage.UsageFigures source) => new(
        source.SessionCount,
        source.MessageCount,
        source.InputTokens,
        source.OutputTokens,
        source.CacheReadInputTokens,
        source.CacheCreationInputTokens,
        source.ToolCallCount,
        source.CostUsd);
}

public sealed record WorkspaceUsage(
    string GroupBy,
    IReadOnlyList<UsageBucket> Buckets,
    UsageFigures Totals)
{
    public static WorkspaceUsage From(App.Usage.WorkspaceUsage source) => new(
        source.GroupBy,
        [.. source.Buckets.Select(UsageBucket.From)],
        UsageFigures.From(source.Totals));
}
