using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Turns on SQLite's query planner stability guarantee (<c>SQLITE_DBCONFIG_ENABLE_QPSG</c>) on every
/// connection as it opens. Without it SQLite marks a prepared statement for recompiling whenever a
/// parameter whose value it read while planning (a page's <c>LIMIT</c> and <c>OFFSET</c>) is bound
/// again, so every list page and read by prefix was compiled anew on each request, which undoes
/// keeping it prepared (<see cref="SqliteStatementCache"/>). With the guarantee a statement keeps
/// the plan it was prepared with, whatever its parameters' values (ADR 0028).
/// </summary>
internal sealed class SqliteStablePlans : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            // A library that refused the setting would answer the same, only compiling statements
            // again as before; the tests check that it takes.
            raw.sqlite3_db_config(handle, raw.SQLITE_DBCONFIG_ENABLE_QPSG, 1, out _);
        }
    }
}
