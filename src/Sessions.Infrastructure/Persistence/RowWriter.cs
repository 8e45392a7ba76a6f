using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// Inserts rows that are only ever appended (transcript messages, outbox events) as multi-row
/// <c>INSERT</c> statements, all of one save in one command where the provider's parameter limit
/// allows. Columns, conversions and parameter types come from the EF Core model, so these rows
/// read back exactly as EF Core would have written them; the rows are not tracked.
/// </summary>
internal sealed class RowWriter(DatabaseProvider provider)
{
    private int MaxParameters => MaxParametersOf(provider);

    /// <summary>The parameters one command may carry: SQL Server takes at most 2,100; PostgreSQL and SQLite over 32,000.</summary>
    public static int MaxParametersOf(DatabaseProvider provider) => provider == DatabaseProvider.SqlServer ? 2_000 : 30_000;

    /// <summary>
    /// The parameters of one upsert of kept sums (facet counts, usage days): the provider's limit,
    /// and on SQLite 1,000, since its driver finds each parameter by a linear search of the
    /// statement's names, so binding a statement costs the square of its parameters
    /// (bench/results/2026-11-29-measured-and-left.md, section 9). A change of one session fits
    /// one statement; a bulk action or a long rewind takes as many as it needs.
    /// </summary>
    public static int MaxUpsertParameters(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? 1_000 : MaxParametersOf(provider);

    /// <summary>
    /// The parameters up to which an upsert of kept sums is prepared on PostgreSQL: one that a
    /// change of a session makes (an append's usage day, a create's or a relabel's counts). Its text
    /// differs only by its number of rows, so the forms a connection keeps prepared stay a few per
    /// upsert; a bulk action's longer upserts are planned where they run.
    /// </summary>
    public const int MaxPreparedParameters = 100;

    /// <summary>
    /// An upsert of kept sums, to be prepared on PostgreSQL (<see cref="Statement.Prepared"/>) when it
    /// carries at most <see cref="MaxPreparedParameters"/>; as it is otherwise, and on the other
    /// databases (SQLite keeps a connection's recent statements prepared by their text, ADR 0026).
    /// </summary>
    public static Statement KeptSums(DatabaseProvider provider, string sql, IReadOnlyList<DbParameter> parameters) =>
        new(sql, parameters, provider == DatabaseProvider.Postgres && parameters.Count <= MaxPreparedParameters);

    /// <summary>
    /// The rows as <c>VALUES</c> lists (<c>(@p0, @p1), (@p2, @p3)</c>), each with the parameters it
    /// names, at most <paramref name="maxParameters"/> to a list.
    /// </summary>
    public static IEnumerable<ValueList> ValueLists<T>(
        DbCommand factory, IReadOnlyList<Column> columns, IEnumerable<T> rows, string prefix, int maxParameters)
        where T : notnull
    {
        foreach (var chunk in rows.Chunk(Math.Max(1, maxParameters / columns.Count)))
        {
            var parameters = new List<DbParameter>();
            var values = new StringBuilder();
            AppendValues(factory, values, parameters, columns, chunk, prefix, shareValues: false);
            yield return new ValueList(values.ToString(), parameters, chunk.Length, prefix, columns.Count);
        }
    }

    /// <summary>
    /// Appends <c>(@p0, @p1), (@p2, @p3)</c> for the rows, their parameters made by the model's
    /// mappings and named on from those <paramref name="parameters"/> already holds. Without
    /// <paramref name="shareValues"/> each value has a parameter of its own, named by its row and
    /// column (<see cref="ValueList.Name"/>). With it, as few as the values allow: a null is the
    /// literal <c>NULL</c>, and a value equal to the row above's in the same column names that row's
    /// parameter (an append's session and time are the same in every message). SQLite finds a named
    /// parameter by a linear search of the statement's names, once as it prepares the statement and
    /// once as its driver binds it, so a statement's cost grows with the square of its parameters (a
    /// message has 18 columns: a 500-message append made 9,000 parameters,
    /// bench/results/2026-12-05-append-parameters.md).
    /// </summary>
    private static void AppendValues<T>(DbCommand factory, StringBuilder sql, List<DbParameter> parameters, IReadOnlyList<Column> columns, T[] rows, string prefix, bool shareValues)
        where T : notnull
    {
        var above = new DbParameter?[columns.Count];
        for (var r = 0; r < rows.Length; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                sql.Append(c == 0 ? string.Empty : ", ");
                var parameter = columns[c].Mapping.CreateParameter(factory, $"@{prefix}{parameters.Count}", columns[c].Read(rows[r]), nullable: true);
                if (shareValues && parameter.Value is DBNull)
                {
                    sql.Append("NULL");
                }
                else if (shareValues && above[c] is { } same && SameValue(same, parameter))
                {
                    sql.Append(same.ParameterName);
                }
                else
                {
                    parameters.Add(parameter);
                    above[c] = parameter;
                    sql.Append(parameter.ParameterName);
                }
            }

            sql.Append(')');
        }
    }

    /// <summary>Whether two parameters of one column send the same value as the same type.</summary>
    private static bool SameValue(DbParameter first, DbParameter second) =>
        first.DbType == second.DbType && first.Size == second.Size && Equals(first.Value, second.Value);

    private readonly List<(IEntityType Type, object Row)> _pending = [];

    public bool HasPending => _pending.Count > 0;

    public void Add(IEntityType type, object row) => _pending.Add((type, row));

    public void Clear() => _pending.Clear();

    /// <summary>
    /// Writes the pending rows, grouped by table in the order first added, then the
    /// <paramref name="following"/> statements, inside the current transaction, through EF Core (so
    /// its logging and interceptors see the commands). The rows take as few commands as the
    /// parameter limit allows, and the first following statement rides in the last of them: on
    /// SQLite an append's messages, events and usage days go out in one command. Each further
    /// following statement has a command of its own, since SQLite binds every statement of a
    /// command by searching it for each parameter of the whole command.
    /// </summary>
    public async Task FlushAsync(DbContext db, IReadOnlyList<Statement> following, CancellationToken cancellationToken)
    {
        if (_pending.Count == 0 && following.Count == 0)
        {
            return;
        }

        // Parameters are made by the provider's own command type, with the model's type mappings.
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        var statements = new StringBuilder();
        var parameters = new List<DbParameter>();
        foreach (var table in _pending.GroupBy(p => p.Type, p => p.Row))
        {
            var columns = Columns(table.Key);
            foreach (var chunk in table.Chunk(Math.Max(1, MaxParameters / columns.Count)))
            {
                if (parameters.Count + (chunk.Length * columns.Count) > MaxParameters)
                {
                    await ExecuteAsync(db, statements, parameters, cancellationToken);
                }

                AppendInsert(factory, statements, parameters, table.Key.GetTableName()!, columns, chunk);
            }
        }

        var carriesOne = false;
        foreach (var statement in following)
        {
            if (carriesOne || parameters.Count + statement.Parameters.Count > MaxParameters)
            {
                await ExecuteAsync(db, statements, parameters, cancellationToken);
            }

            statements.Append(statement.Text).Append('\n');
            parameters.AddRange(statement.Parameters);
            carriesOne = true;
        }

        await ExecuteAsync(db, statements, parameters, cancellationToken);
        _pending.Clear();
    }

    private static async Task ExecuteAsync(DbContext db, StringBuilder statements, List<DbParameter> parameters, CancellationToken cancellationToken)
    {
        if (statements.Length == 0)
        {
            return;
        }

        await ExecuteAsync(db, statements.ToString(), parameters, cancellationToken);
        parameters.Clear();
        statements.Clear();
    }

    /// <summary>Runs the statement as a command of its own (<see cref="ExecuteAsync(DbContext, string, IEnumerable{DbParameter}, CancellationToken)"/>).</summary>
    public static Task ExecuteAsync(DbContext db, Statement statement, CancellationToken cancellationToken) =>
        ExecuteAsync(db, statement.Text, statement.Parameters, cancellationToken);

    /// <summary>
    /// Runs <paramref name="sql"/> in the current transaction through EF Core, as
    /// <c>ExecuteSqlRawAsync</c> would (its logging and interceptors see the command), with the
    /// <paramref name="parameters"/> made for it added as they are (<see cref="MadeParameter"/>).
    /// </summary>
    public static async Task ExecuteAsync(DbContext db, string sql, IEnumerable<DbParameter> parameters, CancellationToken cancellationToken)
    {
        var command = db.GetService<IRelationalCommandBuilderFactory>().Create().Append(sql);
        foreach (var parameter in parameters)
        {
            command.AddParameter(new MadeParameter(parameter));
        }

        await command.Build().ExecuteNonQueryAsync(
            new RelationalCommandParameterObject(db.GetService<IRelationalConnection>(), null, null, db, db.GetService<IRelationalCommandDiagnosticsLogger>(), CommandSource.ExecuteSqlRaw),
            cancellationToken);
    }

    /// <summary>
    /// A parameter made for the one command it is added to, as it is. EF Core's raw SQL path asks the
    /// command, before adding each parameter, whether it already holds one of that name, which
    /// SQLite's driver answers by a linear search: the 2,500 parameters of a 500-message append made
    /// 3 million name comparisons, most of its time (bench/results/2026-12-05-append-parameters.md).
    /// </summary>
    private sealed class MadeParameter(DbParameter parameter) : IRelationalParameter
    {
        public string InvariantName => parameter.ParameterName;

        public void AddDbParameter(DbCommand command, object? value) => command.Parameters.Add(parameter);

        public void AddDbParameter(DbCommand command, IReadOnlyDictionary<string, object?>? parameterValues) => command.Parameters.Add(parameter);
    }

    /// <summary>One <c>INSERT</c> of the rows, with as few parameters as their values allow.</summary>
    private void AppendInsert(DbCommand factory, StringBuilder sql, List<DbParameter> parameters, string table, IReadOnlyList<Column> columns, object[] rows)
    {
        sql.Append("INSERT INTO ").Append(Quote(table)).Append(" (").AppendJoin(", ", columns.Select(c => Quote(c.Name))).Append(") VALUES ");
        AppendValues(factory, sql, parameters, columns, rows, "r", shareValues: true);
        sql.Append(";\n");
    }

    private string Quote(string name) => provider == DatabaseProvider.SqlServer ? $"[{name}]" : $"\"{name}\"";

    /// <summary>The columns of each entity type read so far, kept while its model is: a built model does not change.</summary>
    private static readonly ConditionalWeakTable<IEntityType, IReadOnlyList<Column>> KnownColumns = [];

    /// <summary>
    /// Every stored column of the type: its own properties, then those of owned types kept in the
    /// same row. Read from the model once per type; an append's writes asked for them on every save
    /// (bench/results/2026-12-04-allocations.md).
    /// </summary>
    public static IReadOnlyList<Column> Columns(IEntityType type) => KnownColumns.GetValue(type, static t => ReadColumns(t));

    /// <summary>The columns of the type's primary key, in its order: the conflict target of an upsert of its rows. Read from the model once per type.</summary>
    public static IReadOnlyList<string> KeyColumns(IEntityType type) => KnownKeys.GetValue(type, static t =>
    {
        var table = StoreObjectIdentifier.Table(t.GetTableName()!, t.GetSchema());
        return [.. t.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName(table)!)];
    });

    private static readonly ConditionalWeakTable<IEntityType, IReadOnlyList<string>> KnownKeys = [];

    private static List<Column> ReadColumns(IEntityType type)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = type.GetProperties()
            .Where(p => p.GetComputedColumnSql() is null)
            .Select(p => new Column(p.GetColumnName(table)!, p.GetRelationalTypeMapping(), row => p.GetGetter().GetClrValue(row)))
            .ToList();
        foreach (var navigation in type.GetNavigations().Where(n => n.ForeignKey.IsOwnership && !n.IsCollection))
        {
            var owned = navigation.TargetEntityType;
            var getOwned = navigation.GetGetter();
            columns.AddRange(owned.GetProperties()
                .Where(p => !p.IsPrimaryKey())
                .Select(p => new Column(
                    p.GetColumnName(table)!,
                    p.GetRelationalTypeMapping(),
                    row => getOwned.GetClrValue(row) is { } value ? p.GetGetter().GetClrValue(value) : null)));
        }

        return columns;
    }

    /// <summary>One <c>VALUES</c> list of <see cref="ValueLists"/>: its text, its parameters, how many rows it holds.</summary>
    public sealed record ValueList(string Rows, List<DbParameter> Parameters, int RowCount, string Prefix, int ColumnCount)
    {
        /// <summary>The parameter that holds row <paramref name="row"/>'s value of column <paramref name="column"/>.</summary>
        public string Name(int row, int column) => $"@{Prefix}{(row * ColumnCount) + column}";
    }

    /// <summary>
    /// A statement of SQL with the parameters it names. A <paramref name="Prepared"/> one is of a
    /// few fixed forms: run as a command of its own it is tagged to be prepared
    /// (<see cref="PostgresPreparedStatements"/>), and on PostgreSQL it may ride in a save's batch
    /// instead (<see cref="KeptSumsInTheSaveBatch"/>), whose statements are all prepared.
    /// </summary>
    public sealed record Statement(string Sql, IReadOnlyList<DbParameter> Parameters, bool Prepared = false)
    {
        /// <summary>The text to run as a command of its own.</summary>
        public string Text => Prepared ? $"-- {PostgresPreparedStatements.Tag}\n{Sql}" : Sql;
    }

    /// <summary>A column, the mapping that makes its parameters, and how to read its value from a row.</summary>
    public sealed record Column(string Name, RelationalTypeMapping Mapping, Func<object, object?> Read);
}
