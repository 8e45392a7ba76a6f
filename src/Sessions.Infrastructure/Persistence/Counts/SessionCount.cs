namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>
/// How many sessions of one workspace share one facet value, split by what visibility and the
/// default filters look at (owner, shared or not, archived or not, origin). Maintained in the
/// same transaction as every change to a session (<see cref="SessionCountDeltas"/>), so facets and
/// listing totals that only filter by those can be summed from a few rows instead of counted from
/// every session of the workspace.
/// </summary>
public sealed class SessionCount
{
    public Guid WorkspaceId { get; init; }

    public Guid OwnerId { get; init; }

    /// <summary>1 when the sessions are shared with the workspace, else 0.</summary>
    public int Shared { get; init; }

    /// <summary>1 when the sessions are archived, else 0.</summary>
    public int Archived { get; init; }

    /// <summary>The sessions' origin, as stored (<c>User</c>, <c>Eval</c>, <c>Worker</c>).</summary>
    public required string Origin { get; init; }

    /// <summary>What is counted: <see cref="Dimensions"/>.</summary>
    public required string Dimension { get; init; }

    /// <summary>The label key for <see cref="Dimensions.Label"/>, else empty.</summary>
    public required string Key { get; init; }

    public required string Value { get; init; }

    public long Count { get; init; }
}

/// <summary>The dimensions counted. Every session has exactly one <see cref="Origin"/> row, so its counts are the totals.</summary>
public static class Dimensions
{
    public const string Agent = "agent";
    public const string Model = "model";
    public const string Origin = "origin";
    public const string User = "user";
    public const string Label = "label";
}
