using SQLitePCL;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Process-wide settings of the SQLite library, applied when the first SQLite context is
/// configured, before the process opens its first connection.
/// </summary>
public static class SqliteLibrary
{
    private static readonly Lazy<bool> Configured = new(Configure);

    /// <summary>
    /// Whether SQLite keeps no memory statistics in this process. With them on (the library's
    /// default), every allocation SQLite makes takes one process-wide mutex, and concurrent requests
    /// queue on it while their statements are prepared: turning them off doubled the GET rate under
    /// 16 connections (<c>bench/results/2026-11-29-performance.md</c>). The service applies it with
    /// <see cref="EnsureConfigured"/>; its tests read whether it took.
    /// </summary>
    public static bool WithoutMemoryStatistics => Configured.Value;

    /// <summary>Applies the settings if no earlier call has.</summary>
    public static void EnsureConfigured() => _ = Configured.Value;

    /// <summary>
    /// SQLite accepts the setting only before it initializes, which its first connection does; if
    /// a connection was opened earlier in this process, it keeps its default and works as before.
    /// </summary>
    private static bool Configure()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }
}
