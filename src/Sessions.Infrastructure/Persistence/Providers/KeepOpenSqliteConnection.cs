using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Sessions.Infrastructure.Persistence.Providers;

#pragma warning disable EF1001 // EF Core's SQLite connection is internal API; deriving from it is the one way to keep a pooled context's connection open.

/// <summary>
/// EF Core's SQLite connection, except that an open connection is never closed while its context
/// lives: not after each query, not when the context goes back to the pool. Closing would finalize
/// the connection's prepared statements (<see cref="SqliteStatementCache"/>). Disposing the context
/// disposes the connection, and a broken connection is closed as before. Transactions are still
/// ended by EF Core (committed, or rolled back when the context is returned).
/// </summary>
/// <remarks>
/// A connection that could open the file for reading only (the file or its folder was read-only
/// when it opened) is not kept: it would refuse every write for as long as its context lives, long
/// after the file is writable again. It is closed after each use instead, and its handle is not
/// pooled, so the next use opens the file anew and writes again once the file allows it.
/// </remarks>
internal sealed class KeepOpenSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>Makes the contexts built with <paramref name="builder"/> use this connection.</summary>
    public static void Use(DbContextOptionsBuilder builder) =>
        builder.ReplaceService<ISqliteRelationalConnection, KeepOpenSqliteConnection>();

    protected override void CloseDbConnection()
    {
        if (!Keeps())
        {
            base.CloseDbConnection();
        }
    }

    protected override Task CloseDbConnectionAsync() =>
        Keeps() ? Task.CompletedTask : base.CloseDbConnectionAsync();

    /// <summary>
    /// Whether the connection stays open: it is open and can write. One that opened the file for
    /// reading only leaves the driver's pool too (<see cref="SqliteConnection.ClearPool"/>), so
    /// its handle is disposed when it closes rather than handed to the next open.
    /// </summary>
    private bool Keeps()
    {
        if (DbConnection is not SqliteConnection { State: ConnectionState.Open } open)
        {
            return false;
        }

        if (raw.sqlite3_db_readonly(open.Handle, "main") == 0)
        {
            return true;
        }

        SqliteConnection.ClearPool(open);
        return false;
    }
}
