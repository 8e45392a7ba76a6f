namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// SQLite only: one searchable text of a session (its title, model or agent, or a label as
/// <c>key:value</c>, which holds every text its value holds), read from a view over an FTS5 trigram index that triggers keep in step with
/// the sessions and labels (migration <c>SqliteSearchIndex</c>). <c>LIKE '%text%'</c> on it is
/// answered by the index instead of reading every session.
/// </summary>
public sealed class SessionSearchText
{
    public Guid SessionId { get; init; }

    public required string Text { get; init; }
}

/// <summary>
/// SQLite only: the same texts as <see cref="SessionSearchText"/>, read from the table the FTS5
/// index is built over (<c>session_search_rows</c>, found by its session's id), without the index:
/// for a search the index cannot narrow, the texts of the sessions a query selects.
/// </summary>
public sealed class SessionSearchRow
{
    public Guid SessionId { get; init; }

    public required string Text { get; init; }
}
