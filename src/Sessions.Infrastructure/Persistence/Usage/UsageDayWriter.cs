using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Usage;

/// <summary>
/// Adds deltas to <see cref="SessionUsageDay"/> rows: an upsert that creates a row on its first
/// delta and adds to it after, then, when a delta takes messages away (a rewind), drops the rows of
/// those sessions that no message counts any more, in as many statements as <see cref="RowWriter.MaxUpsertParameters"/>
/// asks (one for an append; a rewind over many days may take more).
/// </summary>
internal static class UsageDayWriter
{
    private const string Table = "session_usage_days";
    private const string CostColumn = "cost_usd";

    /// <summary>What a row repeats of its session: set, not added, on conflict.</summary>
    private static readonly string[] SessionColumns = ["workspace_id", "user_id", "shared", "archived", "origin"];

    /// <summary>The tracked sessions whose visibility or archiving this save changes: their day rows must follow.</summary>
    public static IReadOnlyList<Session> Refiltered(ChangeTracker tracker) =>
        [.. tracker.Entries<Session>()
            .Where(e => e.State == EntityState.Modified
                && (e.Property(nameof(Session.Visibility)).IsModified || e.Property(nameof(Session.ArchivedAt)).IsModified))
            .Select(e => e.Entity)];

    /// <summary>Copies the sessions' shared and archived state onto their day rows: one statement per state.</summary>
    public static async Task RefilterAsync(SessionsDbContext db, IReadOnlyList<Session> sessions, CancellationToken cancellationToken)
    {
        foreach (var state in sessions.GroupBy(s => (Shared: s.Visibility == SessionVisibility.Workspace, Archived: s.ArchivedAt is not null)))
        {
            var ids = state.Select(s => s.Id).ToList();
            await db.UsageDays
                .Where(d => ids.Contains(d.SessionId))
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.Shared, state.Key.Shared).SetProperty(d => d.Archived, state.Key.Archived), cancellationToken);
        }
    }

    /// <summary>The statements that add the deltas: in the save's batch on PostgreSQL, beside the save's appended rows on SQLite (<see cref="RowWriter.FlushAsync"/>).</summary>
    public static IReadOnlyList<RowWriter.Statement> Statements(DbContext db, DatabaseProvider provider, IReadOnlyList<SessionUsageDay> deltas)
    {
        if (deltas.Count == 0)
        {
            return [];
        }

        var shape = ShapeOf(db.Model.FindEntityType(typeof(SessionUsageDay))!, provider);

        // A row's count only falls with a delta that takes messages away: an append's leave every
        // row they touch counting at least one message, and nothing to drop.
        var drops = deltas.Any(d => d.MessageCount <= 0);
        using var factory = db.Database.GetDbConnection().CreateCommand();
        return [.. RowWriter.ValueLists(factory, shape.Columns, deltas, "u", RowWriter.MaxUpsertParameters(provider)).Select(list =>
        {
            var sql = string.Concat(shape.BeforeRows, list.Rows, shape.AfterRows);
            return RowWriter.KeptSums(provider, drops ? sql + Drop(list, shape.SessionColumn) : sql, list.Parameters);
        })];
    }

    /// <summary>
    /// The upsert of a model's usage days, written once per model (a built model does not change,
    /// and is of one provider): its columns, where the session's id is among them, and the
    /// statement's text before and after its rows.
    /// </summary>
    private sealed record Shape(IReadOnlyList<RowWriter.Column> Columns, int SessionColumn, string BeforeRows, string AfterRows);

    private static readonly ConditionalWeakTable<IEntityType, Shape> Shapes = [];

    private static Shape ShapeOf(IEntityType type, DatabaseProvider provider)
    {
        if (Shapes.TryGetValue(type, out var shape))
        {
            return shape;
        }

        const string rowsMark = "\0rows\0";
        var columns = RowWriter.Columns(type);
        var names = columns.Select(c => c.Name).ToList();
        var keys = RowWriter.KeyColumns(type);
        var sums = names.Except([.. keys, .. SessionColumns]).ToList();
        var sql = provider == DatabaseProvider.SqlServer ? SqlServer(names, keys, sums, rowsMark) : Upsert(provider, names, keys, sums, rowsMark);
        var at = sql.IndexOf(rowsMark, StringComparison.Ordinal);
        shape = new Shape(columns, names.IndexOf("session_id"), sql[..at], sql[(at + rowsMark.Length)..]);
        Shapes.AddOrUpdate(type, shape);
        return shape;
    }

    /// <summary>
    /// PostgreSQL and SQLite share the upsert syntax. SQLite keeps a cost as decimal text and would
    /// add it as a binary float: its sum goes through EF Core's exact decimal function instead.
    /// </summary>
    private static string Upsert(DatabaseProvider provider, IReadOnlyList<string> columns, IReadOnlyList<string> keys, IReadOnlyList<string> sums, string rows) =>
        $"""
        INSERT INTO {Table} ({string.Join(", ", columns)}) VALUES {rows}
        ON CONFLICT ({string.Join(", ", keys)}) DO UPDATE SET {string.Join(", ", [.. sums.Select(c => $"{c} = {Add(provider, c)}"), .. Refreshed()])};
        """;

    /// <summary>Drops the rows of the list's sessions that count no message; the same on every database.</summary>
    private static string Drop(RowWriter.ValueList list, int sessionColumn) =>
        $"\nDELETE FROM {Table} WHERE session_id IN ({string.Join(", ", Enumerable.Range(0, list.RowCount).Select(r => list.Name(r, sessionColumn)))}) AND message_count = 0;";

    private static IEnumerable<string> Refreshed() => SessionColumns.Skip(1).Select(c => $"{c} = excluded.{c}");

    private static string Add(DatabaseProvider provider, string column) =>
        provider == DatabaseProvider.Sqlite && column == CostColumn
            ? $"ef_add({Table}.{column}, excluded.{column})"
            : $"{Table}.{column} + excluded.{column}";

    private static string SqlServer(IReadOnlyList<string> columns, IReadOnlyList<string> keys, IReadOnlyList<string> sums, string rows) =>
        $"""
        MERGE {Table} WITH (HOLDLOCK) AS t
        USING (VALUES {rows}) AS d ({string.Join(", ", columns.Select(c => $"[{c}]"))})
        ON {string.Join(" AND ", keys.Select(k => $"t.[{k}] = d.[{k}]"))}
        WHEN MATCHED THEN UPDATE SET {string.Join(", ", [.. sums.Select(c => $"[{c}] = t.[{c}] + d.[{c}]"), .. SessionColumns.Skip(1).Select(c => $"[{c}] = d.[{c}]")])}
        WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => $"[{c}]"))}) VALUES ({string.Join(", ", columns.Select(c => $"d.[{c}]"))});
        """;
}
