namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// SQLite lets one writer in at a time, and a second connection asking to write sleeps in the
/// driver's busy-retry loop. Every write transaction of this process takes this gate before
/// <c>BEGIN IMMEDIATE</c>, so writers queue here, in order and without sleeping, and SQLite's own
/// waiting is left for other processes on the same file.
/// </summary>
public sealed class SqliteWriterGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _queued;

    /// <summary>How many writers have had to queue behind another, since the start (counted as they start to wait); the writer path's tests read it to see writers queue here.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Waits for the writer's turn; disposing the answer lets the next writer in.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (!_gate.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _queued);
            await _gate.WaitAsync(cancellationToken);
        }

        return new WriterTurn(() => _gate.Release());
    }

    public void Dispose() => _gate.Dispose();
}
