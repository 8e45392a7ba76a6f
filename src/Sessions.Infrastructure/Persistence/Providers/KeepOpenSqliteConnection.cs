using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Sessions.Infrastructure.Persistence.Providers;

#pragma warning disable EF1001 // EF Core's SQLite connection is internal API; deriving from it is the one way to keep a pooled context's connection open.

/// <summary>
/// EF Core's SQLite connection, except that an open connection is never closed while its context
/// lives: not after each query, not when the context goes back to the pool. Closing would finalize
/// the connection's prepared statements (<see cref="SqliteStatementCache"/>). Disposing the context
/// disposes the connection, and a broken connection is closed as before. Transactions are still
/// ended by EF Core (committed, or rolled back when the context is returned).
/// </summary>
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
        if (DbConnection.State != ConnectionState.Open)
        {
            base.CloseDbConnection();
        }
    }

    protected override Task CloseDbConnectionAsync() =>
        DbConnection.State == ConnectionState.Open ? Task.CompletedTask : base.CloseDbConnectionAsync();
}
