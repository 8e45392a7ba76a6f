namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>
/// How many sessions of one workspace share one facet value, split by what visibility and the
/// default filters look at (owner, shared or not, archived or not, origin). Maintained in the
/// same transaction as every change to a session (<see cref="SessionCountDeltas"/>), so facets and
/// listing totals that only filter by those can be summed from a few rows instead of counted from
/// every session of the workspace. Each count is split further into <see cref="Part"/>s by its
/// sessions' ids, so that concurrent changes of one workspace's sessions mostly add to different
/// rows (ADR 0086); a count is the sum of its parts.
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

    /// <summary>Which part of the count this row holds: <see cref="CountParts.Of"/> its sessions' ids.</summary>
    public int Part { get; init; }

    public long Count { get; init; }
}

/// <summary>
/// How many parts each count is split into, and which part a session's changes add to: the last
/// byte of its id (as written, the id's last two hex digits; random in the ids the service and its
/// clients make) modulo the parts. A session adds to one part all its life, so each row counts the
/// sessions of its part exactly and falls to zero with them. SQLite takes one writer at a time,
/// so there a count is one part.
/// </summary>
public static class CountParts
{
    /// <summary>The parts of a count on a database whose writers run side by side.</summary>
    public const int Concurrent = 8;

    public static int For(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? 1 : Concurrent;

    public static int Of(Guid sessionId, int parts)
    {
        Span<byte> bytes = stackalloc byte[16];
        sessionId.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes[15] % parts;
    }
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
