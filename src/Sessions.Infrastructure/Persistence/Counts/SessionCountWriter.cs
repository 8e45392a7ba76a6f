using Microsoft.EntityFrameworkCore;

namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>
/// Adds deltas to <see cref="SessionCount"/> rows: an upsert that creates a row on its first delta
/// and adds to it after, then drops the workspace's rows that fell to zero (<c>@c0</c> is the
/// first row's workspace: columns start with the key), in as many statements as
/// <see cref="RowWriter.MaxUpsertParameters"/> asks. Rows are written in key order, so two
/// transactions never wait on each other's rows in a circle.
/// </summary>
internal static class SessionCountWriter
{
    private static readonly string[] KeyColumns = ["workspace_id", "owner_id", "shared", "archived", "origin", "dimension", "key", "value"];

    public static async Task ApplyAsync(DbContext db, DatabaseProvider provider, IReadOnlyList<SessionCount> deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
        {
            return;
        }

        var columns = RowWriter.Columns(db.Model.FindEntityType(typeof(SessionCount))!);
        var names = columns.Select(c => c.Name).ToList();
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        var lists = RowWriter.ValueLists(factory, columns, deltas, "c", RowWriter.MaxUpsertParameters(provider)).ToList();
        foreach (var (rows, parameters, _) in lists)
        {
            // The rows that fell to zero are dropped once, after the last list's upsert.
            var last = parameters == lists[^1].Parameters;
            var sql = provider == DatabaseProvider.SqlServer ? SqlServer(names, rows, last) : Upsert(names, rows, last);
            await db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        }
    }

    /// <summary>PostgreSQL and SQLite share the upsert syntax.</summary>
    private static string Upsert(IReadOnlyList<string> columns, string rows, bool dropZeros) =>
        $"""
        INSERT INTO session_counts ({string.Join(", ", columns)}) VALUES {rows}
        ON CONFLICT ({string.Join(", ", KeyColumns)}) DO UPDATE SET count = session_counts.count + excluded.count;
        {(dropZeros ? "DELETE FROM session_counts WHERE workspace_id = @c0 AND count = 0;" : string.Empty)}
        """;

    private static string SqlServer(IReadOnlyList<string> columns, string rows, bool dropZeros) =>
        $"""
        MERGE session_counts WITH (HOLDLOCK) AS t
        USING (VALUES {rows}) AS d ({string.Join(", ", columns.Select(c => $"[{c}]"))})
        ON {string.Join(" AND ", KeyColumns.Select(k => $"t.[{k}] = d.[{k}]"))}
        WHEN MATCHED THEN UPDATE SET [count] = t.[count] + d.[count]
        WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => $"[{c}]"))}) VALUES ({string.Join(", ", columns.Select(c => $"d.[{c}]"))});
        {(dropZeros ? "DELETE FROM session_counts WHERE workspace_id = @c0 AND [count] = 0;" : string.Empty)}
        """;
}
