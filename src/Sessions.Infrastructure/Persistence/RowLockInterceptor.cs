using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// Turns a query tagged <see cref="Tag"/> into one that also locks the session rows it reads, for
/// the rest of the transaction: <c>FOR UPDATE OF s</c> on PostgreSQL, <c>UPDLOCK</c> on SQL Server.
/// So a command loads and locks its session in one statement (a change of the labels brings their
/// rows along by an outer join, which is why the lock names the sessions table only). A query tagged
/// <see cref="GroupTag"/> locks the group row it reads the same way, so concurrent changes of one
/// group take turns instead of failing each other's version check. SQLite needs none: its write
/// transactions already run one at a time.
/// </summary>
internal sealed class RowLockInterceptor(DatabaseProvider provider) : DbCommandInterceptor
{
    public const string Tag = "lock sessions";

    public const string GroupTag = "lock group";

    private const string SqlServerTable = "FROM [sessions] AS [s]";
    private const string SqlServerGroupTable = "FROM [session_groups] AS [s]";

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Lock(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Lock(command);
        return ValueTask.FromResult(result);
    }

    private void Lock(DbCommand command)
    {
        // The FROM clause of the table the query locks, as EF Core writes it on SQL Server (both
        // tables are aliased s, which PostgreSQL's FOR UPDATE OF names).
        var lockedFrom = QueryTags.Has(command, Tag) ? SqlServerTable : QueryTags.Has(command, GroupTag) ? SqlServerGroupTable : null;
        if (lockedFrom is null)
        {
            return;
        }

        command.CommandText = provider switch
        {
            DatabaseProvider.Postgres => command.CommandText + " FOR UPDATE OF s",
            DatabaseProvider.SqlServer => command.CommandText.Replace(lockedFrom, lockedFrom + " WITH (UPDLOCK, ROWLOCK, HOLDLOCK)", StringComparison.Ordinal),
            _ => command.CommandText,
        };
    }
}
