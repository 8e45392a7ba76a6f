namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// The texts of a session that search reads from its row (title, model, agent). On PostgreSQL they
/// are read from <c>session_search_columns</c>, a copy of those three columns that triggers on
/// <c>sessions</c> keep in step (migration <c>SearchColumnsApart</c>), whose trigram indexes only
/// the writes that change one of them reach: a session's row changes on every append, freeze or
/// archive, and each change of a row with trigram indexes added its entries to their pending
/// lists, which every search then read through (ADR 0085). Elsewhere they are the session's own
/// columns.
/// </summary>
public sealed class SessionSearchColumns
{
    public Guid SessionId { get; init; }

    public string? Title { get; init; }

    public required string Model { get; init; }

    public string? Agent { get; init; }
}
