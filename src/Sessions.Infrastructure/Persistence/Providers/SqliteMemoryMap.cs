using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Reads the database file through a memory map of up to <paramref name="bytes"/> on every
/// connection as it opens (<c>PRAGMA mmap_size</c>), when <c>Database:SqliteMemoryMapMegabytes</c>
/// asks for one. Without it SQLite copies every page it reads out of the operating system's cache
/// with <c>pread</c> into a cache of its own of 2 MB per connection: a read of a thousand sessions
/// (a page of groups with their counts) copied most of them on every request, two thirds of its
/// CPU in the kernel. With it reads at scale ran up to twice as fast and appends half as fast, so
/// it is the operator's choice (ADR 0083). A pooled context keeps its connection open
/// (<see cref="KeepOpenSqliteConnection"/>), so this runs once per connection, not per request.
/// </summary>
internal sealed class SqliteMemoryMap(long bytes) : DbConnectionInterceptor
{
    private readonly string pragma = "PRAGMA mmap_size=" + bytes.ToString(CultureInfo.InvariantCulture) + ";";

    /// <summary>The interceptor a service on <paramref name="database"/> registers: none unless a map is asked for.</summary>
    public static IInterceptor[] For(DatabaseOptions database) => database.SqliteMemoryMapBytes > 0 ? [new SqliteMemoryMap(database.SqliteMemoryMapBytes)] : [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            // A library built without memory-mapped I/O ignores the setting and reads as before;
            // the tests check that it takes.
            raw.sqlite3_exec(handle, pragma);
        }
    }
}
