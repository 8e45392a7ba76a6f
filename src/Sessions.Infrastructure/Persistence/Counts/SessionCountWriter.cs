using Microsoft.EntityFrameworkCore;

namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>
/// Adds deltas to <see cref="SessionCount"/> rows: an upsert that creates a row on its first delta
/// and adds to it after, then drops the workspace's rows that fell to zero (the workspace of the
/// last statement's first row: one save's deltas are of one workspace), in as many statements as
/// <see cref="RowWriter.MaxUpsertParameters"/> asks. Every save writes its rows in one order, the
/// order <see cref="SessionCountDeltas"/> sorts them in, so two transactions never wait on each
/// other's rows in a circle.
/// </summary>
/// <remarks>
/// SQL Server's <c>=</c> and its keys ignore trailing spaces, so there <c>gpt-4</c> and <c>gpt-4 </c>
/// are one count row: their deltas are summed into one before the <c>MERGE</c>, which would
/// otherwise find one target row for two source rows and fail (<see cref="AsSqlServerKeys"/>).
/// </remarks>
internal static class SessionCountWriter
{
    public static async Task ApplyAsync(DbContext db, DatabaseProvider provider, IReadOnlyList<SessionCount> deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
        {
            return;
        }

        if (provider == DatabaseProvider.SqlServer)
        {
            deltas = AsSqlServerKeys(deltas);
        }

        var type = db.Model.FindEntityType(typeof(SessionCount))!;
        var columns = RowWriter.Columns(type);
        var keys = RowWriter.KeyColumns(type);
        var names = columns.Select(c => c.Name).ToList();
        var workspaceColumn = names.IndexOf("workspace_id");
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        var lists = RowWriter.ValueLists(factory, columns, deltas, "c", RowWriter.MaxUpsertParameters(provider)).ToList();
        for (var i = 0; i < lists.Count; i++)
        {
            // The rows that fell to zero are dropped once, after the last list's upsert.
            var dropZerosOf = i == lists.Count - 1 ? lists[i].Name(0, workspaceColumn) : null;
            var sql = provider == DatabaseProvider.SqlServer ? SqlServer(names, keys, lists[i].Rows, dropZerosOf) : Upsert(names, keys, lists[i].Rows, dropZerosOf);
            await RowWriter.ExecuteAsync(db, RowWriter.PreparedOn(provider, sql, lists[i].Parameters.Count), lists[i].Parameters, cancellationToken);
        }
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
    private static string Upsert(IReadOnlyList<string> columns, IReadOnlyList<string> keys, string rows, string? dropZerosOf) =>
        $"""
        INSERT INTO session_counts ({string.Join(", ", columns)}) VALUES {rows}
        ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET count = session_counts.count + excluded.count;
        {(dropZerosOf is null ? string.Empty : $"DELETE FROM session_counts WHERE workspace_id = {dropZerosOf} AND count = 0;")}
        """;

    private static string SqlServer(IReadOnlyList<string> columns, IReadOnlyList<string> keys, string rows, string? dropZerosOf) =>
        $"""
        MERGE session_counts WITH (HOLDLOCK) AS t
        USING (VALUES {rows}) AS d ({string.Join(", ", columns.Select(c => $"[{c}]"))})
        ON {string.Join(" AND ", keys.Select(k => $"t.[{k}] = d.[{k}]"))}
        WHEN MATCHED THEN UPDATE SET [count] = t.[count] + d.[count]
        WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => $"[{c}]"))}) VALUES ({string.Join(", ", columns.Select(c => $"d.[{c}]"))});
        {(dropZerosOf is null ? string.Empty : $"DELETE FROM session_counts WHERE workspace_id = {dropZerosOf} AND [count] = 0;")}
        """;
}
