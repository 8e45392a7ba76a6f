using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sessions.Infrastructure.Persistence.Configurations;

/// <summary>Indexes that carry columns besides their key, so that a read is answered from the index alone.</summary>
internal static class CoveringIndexes
{
    /// <summary>
    /// Includes <paramref name="included"/> in the index on PostgreSQL and SQL Server. SQLite has
    /// no included columns; there the index is its key alone.
    /// </summary>
    public static IndexBuilder Including(this IndexBuilder index, DatabaseProvider provider, params string[] included)
    {
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                IncludeOnPostgres(index, included);
                break;
            case DatabaseProvider.SqlServer:
                IncludeOnSqlServer(index, included);
                break;
        }

        return index;
    }

    // Each provider's extension in a method of its own: the JIT loads every assembly a method names
    // when it compiles the method, and a model built for one database loads no other one's (ADR 0078).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void IncludeOnPostgres(IndexBuilder index, string[] included) => NpgsqlIndexBuilderExtensions.IncludeProperties(index, included);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void IncludeOnSqlServer(IndexBuilder index, string[] included) => SqlServerIndexBuilderExtensions.IncludeProperties(index, included);

    /// <summary>
    /// An index keyed by <paramref name="keys"/> that carries <paramref name="included"/> on every
    /// provider: as included columns on PostgreSQL and SQL Server, after the key on SQLite (which
    /// keeps the key's order).
    /// </summary>
    public static IndexBuilder Covering(Func<string[], IndexBuilder> hasIndex, DatabaseProvider provider, string[] keys, params string[] included) =>
        provider == DatabaseProvider.Sqlite ? hasIndex([.. keys, .. included]) : hasIndex(keys).Including(provider, included);
}
