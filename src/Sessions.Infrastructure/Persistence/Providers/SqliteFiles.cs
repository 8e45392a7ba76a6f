using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>The file behind a SQLite context's connection.</summary>
public static class SqliteFiles
{
    /// <summary>Where Linux lists the process's open files, each a link to its path (<c>PATH (deleted)</c> once deleted).</summary>
    private const string OpenFiles = "/proc/self/fd";

    /// <summary>
    /// The path of the database file <paramref name="db"/>'s open SQLite connection writes to, when
    /// the process still has that file (or its write-ahead log) open after it was deleted: the
    /// connections that have it open go on reading and writing it, and what they write is lost when
    /// the last one closes. A new connection meanwhile creates an empty database at the path, so a
    /// file there does not mean the one open is. Null on other providers, for a database in
    /// memory, for a closed connection, and while every open file is in place.
    /// </summary>
    public static string? Deleted(DbContext db)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection { State: ConnectionState.Open, DataSource: { Length: > 0 } path })
        {
            return null;
        }

        return !File.Exists(path) || OpenAfterDeletion(path) ? path : null;
    }

    private static bool OpenAfterDeletion(string path)
    {
        if (!Directory.Exists(OpenFiles))
        {
            return false;
        }

        string[] deleted = [$"{path} (deleted)", $"{path}-wal (deleted)"];
        foreach (var link in Directory.EnumerateFileSystemEntries(OpenFiles))
        {
            try
            {
                if (new FileInfo(link).LinkTarget is { } target && deleted.Contains(target, StringComparer.Ordinal))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The file was closed between listing and reading its link.
            }
        }

        return false;
    }
}
