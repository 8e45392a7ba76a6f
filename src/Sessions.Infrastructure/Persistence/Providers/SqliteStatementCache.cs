using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Prepared statements kept from one request to the next on SQLite. Microsoft.Data.Sqlite prepares
/// every command anew and finalizes its statements when the command or its connection closes, and
/// preparing the one-session read costs several times running it. So each pooled context keeps its
/// SQLite connection open (<see cref="KeepOpenSqliteConnection"/>), and each connection keeps the
/// commands of the last <see cref="Capacity"/> distinct statements it ran, prepared, handing the
/// same command back whenever EF Core builds that statement again (the least recently used one
/// makes room for a new one). A statement longer than <see cref="MaxKeptLength"/> is prepared for
/// its one run only.
/// </summary>
internal sealed class SqliteStatementCache : DbCommandInterceptor
{
    /// <summary>Statements kept per connection: the hot paths use fewer, and each costs native memory.</summary>
    public const int Capacity = 24;

    /// <summary>
    /// The longest statement kept, in characters. Every statement of a read, and an append of up to
    /// about fifty messages, is shorter (the first list page, the longest read, about 3,500); a
    /// batch of hundreds of rows is one statement of hundreds of kilobytes whose text depends on its
    /// size and on which values repeat, so it is rarely run twice, and each such statement kept held
    /// SQLite memory in proportion for as long as it stayed in the cache
    /// (<c>bench/results/2026-12-05-statements-kept.md</c>).
    /// </summary>
    public const int MaxKeptLength = 8_192;

    private readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, CachedCommand>> _byConnection = [];

    /// <summary>
    /// Swaps the command EF Core built for the connection's prepared command of the same text
    /// (taking its parameters, transaction and timeout), or keeps the new one for next time.
    /// </summary>
    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (result is not SqliteCommand { Connection: { } connection } built || built is CachedCommand
            || built.CommandText.Length > MaxKeptLength)
        {
            return result;
        }

        var cache = _byConnection.GetOrCreateValue(connection);
        if (cache.TryGetValue(built.CommandText, out var cached))
        {
            return cached.InUse ? result : cached.TakeOver(built);
        }

        if (cache.Count >= Capacity)
        {
            var leastRecent = cache.Values.Where(c => !c.InUse).MinBy(c => c.LastUse);
            if (leastRecent is null)
            {
                return result;
            }

            leastRecent.Dispose();
        }

        var created = new CachedCommand(cache, built.CommandText, connection);
        cache.Add(built.CommandText, created);
        return created.TakeOver(built);
    }

    /// <summary>
    /// A command that outlives its uses: EF Core disposes it after each, which only returns it to
    /// the cache; when its connection closes or the cache evicts it, it is disposed for real and
    /// leaves the cache.
    /// </summary>
    private sealed class CachedCommand(Dictionary<string, CachedCommand> cache, string commandText, SqliteConnection connection)
        : SqliteCommand(commandText, connection)
    {
        public bool InUse { get; private set; }

        /// <summary>When it was last handed out (<see cref="Stopwatch"/> ticks).</summary>
        public long LastUse { get; private set; }

        /// <summary>Becomes <paramref name="built"/>, which is disposed (it was never prepared).</summary>
        public CachedCommand TakeOver(SqliteCommand built)
        {
            Transaction = built.Transaction;
            CommandTimeout = built.CommandTimeout;
            Parameters.Clear();
            var parameters = built.Parameters.Cast<SqliteParameter>().ToList();
            built.Parameters.Clear();
            foreach (var parameter in parameters)
            {
                Parameters.Add(parameter);
            }

            built.Dispose();
            InUse = true;
            LastUse = Stopwatch.GetTimestamp();
            return this;
        }

        protected override void Dispose(bool disposing)
        {
            if (InUse)
            {
                InUse = false;
                Parameters.Clear();
                Transaction = null;
                return;
            }

            cache.Remove(CommandText);
            base.Dispose(disposing);
        }
    }
}
