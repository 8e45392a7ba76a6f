using Microsoft.EntityFrameworkCore;

namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>
/// Adds deltas to <see cref="SessionCount"/> rows: an upsert that creates a row on its first delta
/// and adds to it after, in as many statements as <see cref="RowWriter.MaxUpsertParameters"/> asks.
/// When a delta is negative, each statement then drops those of its rows that are at zero, named by
/// their keys: only a negative delta brings a row to zero, so a create drops nothing, and no save
/// reads the workspace's other rows (ADR 0087). Every save writes its rows in one order, the order
/// <see cref="SessionCountDeltas"/> sorts them in, so two transactions never wait on each other's
/// rows in a circle.
/// </summary>
/// <remarks>
/// SQL Server's <c>=</c> and its keys ignore trailing spaces, so there <c>gpt-4</c> and <c>gpt-4 </c>
/// are one count row: their deltas are summed into one before the <c>MERGE</c>, which would
/// otherwise find one target row for two source rows and fail (<see cref="AsSqlServerKeys"/>).
/// </remarks>
internal static class SessionCountWriter
{
    /// <summary>The statements that add the deltas, in the order of their rows: for the save to run, or to carry in its batch on PostgreSQL.</summary>
    public static IReadOnlyList<RowWriter.Statement> Statements(DbContext db, DatabaseProvider provider, IReadOnlyList<SessionCount> deltas)
    {
        if (deltas.Count == 0)
        {
            return [];
        }

        if (provider == DatabaseProvider.SqlServer)
        {
            deltas = AsSqlServerKeys(deltas);
        }

        var type = db.Model.FindEntityType(typeof(SessionCount))!;
        var columns = RowWriter.Columns(type);
        var keys = RowWriter.KeyColumns(type);
        var names = columns.Select(c => c.Name).ToList();
        var keyColumns = keys.Select(key => (Name: key, Column: names.IndexOf(key))).ToList();

        // As for usage days: a statement's drop names all its rows, so its text depends on its
        // number of rows alone, and the prepared forms stay few (RowWriter.KeptSums).
        var drops = deltas.Any(d => d.Count < 0);
        using var factory = db.Database.GetDbConnection().CreateCommand();
        return [.. RowWriter.ValueLists(factory, columns, deltas, "c", RowWriter.MaxUpsertParameters(provider)).Select(list =>
        {
            var drop = drops ? DropZeros(provider, list, keyColumns) : string.Empty;
            var sql = provider == DatabaseProvider.SqlServer ? SqlServer(names, keys, list.Rows, drop) : Upsert(names, keys, list.Rows, drop);
            return RowWriter.KeptSums(provider, sql, list.Parameters);
        })];
    }

    /// <summary>Drops the list's rows that are at zero now, each named by its key's parameters, which the upsert before it sent.</summary>
    private static string DropZeros(DatabaseProvider provider, RowWriter.ValueList list, IReadOnlyList<(string Name, int Column)> keys)
    {
        string Quote(string name) => provider == DatabaseProvider.SqlServer ? $"[{name}]" : name;
        var rows = Enumerable.Range(0, list.RowCount).Select(row => $"({string.Join(" AND ", keys.Select(key => $"{Quote(key.Name)} = {list.Name(row, key.Column)}"))})");
        return $"DELETE FROM session_counts WHERE {Quote("count")} = 0 AND ({string.Join(" OR ", rows)});";
    }

    /// <summary>
    /// The deltas as SQL Server keys them: those whose texts differ only by trailing spaces summed
    /// into the first of them, sums of zero left out, in the order of those keys (so two saves
    /// write the rows they share in one order).
    /// </summary>
    internal static IReadOnlyList<SessionCount> AsSqlServerKeys(IReadOnlyList<SessionCount> deltas) =>
        [.. deltas
            .GroupBy(d => (d.WorkspaceId, d.OwnerId, d.Shared, d.Archived, Origin: Unpadded(d.Origin), Dimension: Unpadded(d.Dimension), Key: Unpadded(d.Key), Value: Unpadded(d.Value), d.Part))
            .Select(g => new SessionCount
            {
                WorkspaceId = g.Key.WorkspaceId,
                OwnerId = g.Key.OwnerId,
                Shared = g.Key.Shared,
                Archived = g.Key.Archived,
                Origin = g.First().Origin,
                Dimension = g.First().Dimension,
                Key = g.First().Key,
                Value = g.First().Value,
                Part = g.Key.Part,
                Count = g.Sum(d => d.Count),
            })
            .Where(d => d.Count != 0)
            .OrderBy(d => (d.WorkspaceId, d.OwnerId, d.Shared, d.Archived))
            .ThenBy(d => Unpadded(d.Origin), StringComparer.Ordinal)
            .ThenBy(d => Unpadded(d.Dimension), StringComparer.Ordinal)
            .ThenBy(d => Unpadded(d.Key), StringComparer.Ordinal)
            .ThenBy(d => Unpadded(d.Value), StringComparer.Ordinal)
            .ThenBy(d => d.Part)];

    /// <summary>A text as SQL Server compares it: without its trailing spaces.</summary>
    private static string Unpadded(string text) => text.TrimEnd(' ');

    /// <summary>PostgreSQL and SQLite share the upsert syntax.</summary>
    private static string Upsert(IReadOnlyList<string> columns, IReadOnlyList<string> keys, string rows, string drop) =>
        $"""
        INSERT INTO session_counts ({string.Join(", ", columns)}) VALUES {rows}
        ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET count = session_counts.count + excluded.count;
        {drop}
        """;

    private static string SqlServer(IReadOnlyList<string> columns, IReadOnlyList<string> keys, string rows, string drop) =>
        $"""
        MERGE session_counts WITH (HOLDLOCK) AS t
        USING (VALUES {rows}) AS d ({string.Join(", ", columns.Select(c => $"[{c}]"))})
        ON {string.Join(" AND ", keys.Select(k => $"t.[{k}] = d.[{k}]"))}
        WHEN MATCHED THEN UPDATE SET [count] = t.[count] + d.[count]
        WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => $"[{c}]"))}) VALUES ({string.Join(", ", columns.Select(c => $"d.[{c}]"))});
        {drop}
        """;
}
