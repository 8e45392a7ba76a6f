using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Turns on SQLite's query planner stability guarantee (<c>SQLITE_DBCONFIG_ENABLE_QPSG</c>) on every
/// connection as it opens. Without it SQLite marks a prepared statement for recompiling whenever a
/// parameter it compared with an expression while planning gets a new value, and the list's page
/// query (a subquery with the visibility rule, joined to users and labels) was recompiled on every
/// request, which undoes keeping it prepared (<see cref="SqliteStatementCache"/>). With the guarantee
/// a statement keeps the plan it was prepared with, whatever its parameters' values.
/// </summary>
internal sealed class SqliteStablePlans : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>Whether the connection's planner keeps its plans whatever the parameters' values.</summary>
    public static bool IsOn(SqliteConnection connection) =>
        raw.sqlite3_db_config(connection.Handle, raw.SQLITE_DBCONFIG_ENABLE_QPSG, -1, out var on) == raw.SQLITE_OK && on == 1;

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            raw.sqlite3_db_config(handle, raw.SQLITE_DBCONFIG_ENABLE_QPSG, 1, out _);
        }
    }
}
