namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// A writer's place in line (<see cref="SqliteWriterGate"/>, <see cref="SessionTurns"/>): disposing
/// it lets the next writer in, once, however many times it is disposed.
/// </summary>
internal sealed class WriterTurn(Action release) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}
