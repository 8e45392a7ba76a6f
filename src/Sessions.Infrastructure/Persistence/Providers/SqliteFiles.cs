using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>The file behind a SQLite context's connection.</summary>
public static class SqliteFiles
{
    /// <summary>
    /// The path of the database file <paramref name="db"/>'s open SQLite connection writes to, when
    /// no file is at that path any longer: deleted while the service ran, the file lives on for the
    /// connections that have it open, and what they write is lost when the last one closes. Null on
    /// other providers, for a database in memory, for a closed connection, and while the file is in place.
    /// </summary>
    public static string? Deleted(DbContext db) =>
        db.Database.GetDbConnection() is SqliteConnection { State: ConnectionState.Open, DataSource: { Length: > 0 } path } && !File.Exists(path)
            ? path
            : null;
}
