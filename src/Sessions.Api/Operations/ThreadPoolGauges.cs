using System.Diagnostics.Metrics;

namespace Sessions.Api.Operations;

/// <summary>
/// The thread pool's queue length and thread count, as values that go up and down. The runtime's
/// own meter publishes both as counters (monotonic sums): Prometheus named them <c>_total</c> and
/// typed them <c>counter</c>, so <c>rate()</c> read every fall of the queue as a reset, and the
/// queue's length, the usual sign of a starved pool, could not be alerted on as it stands. The
/// runtime's two are dropped from the export (<see cref="Replaces"/>) and published here under
/// their semantic-convention names.
/// </summary>
public static class ThreadPoolGauges
{
    private const string RuntimeMeter = "System.Runtime";
    private const string QueueLength = "dotnet.thread_pool.queue.length";
    private const string ThreadCount = "dotnet.thread_pool.thread.count";

    private static readonly Meter Meter = new("Sessions.ThreadPool");

    static ThreadPoolGauges()
    {
        Meter.CreateObservableUpDownCounter(QueueLength, () => ThreadPool.PendingWorkItemCount, "{work_item}", "Work items queued to the thread pool now.");
        Meter.CreateObservableUpDownCounter(ThreadCount, () => (long)ThreadPool.ThreadCount, "{thread}", "Thread pool threads that exist now.");
    }

    /// <summary>The meter's name, for the metrics pipeline to listen to (its instruments exist once this is read).</summary>
    public static string MeterName => Meter.Name;

    /// <summary>Whether <paramref name="instrument"/> is one of the runtime's two that this meter publishes instead.</summary>
    public static bool Replaces(Instrument instrument) =>
        instrument.Meter.Name == RuntimeMeter && instrument.Name is QueueLength or ThreadCount;
}
