using System.Collections.Concurrent;

namespace Sessions.Api.Operations;

/// <summary>
/// Runs what a request's cancellation by its client (a dropped connection) sets off on one thread
/// of its own, not on the thread that learns of the drop. Npgsql cancels a running command inside
/// the token's callback by opening a connection to PostgreSQL, sending the cancel request and
/// waiting for the server to close it, synchronously (its connect is asynchronous code waited on,
/// which needs a second thread-pool thread to finish). When many clients drop their connections
/// at once, those callbacks took every thread-pool thread, and the whole process paused until the
/// pool added threads, about two a second (ADR 0037). Here the request sees a token of its own,
/// cancelled by this thread after the client's: cancellation still reaches every statement, a few
/// milliseconds later, and a slow one delays only the cancellations queued behind it.
/// </summary>
public sealed class ClientAborts : IDisposable
{
    private readonly BlockingCollection<CancellationTokenSource> _pending = [];
    private readonly Thread _thread;
    private readonly TimeSpan _stopWait;

    public ClientAborts()
        : this(TimeSpan.FromSeconds(5))
    {
    }

    /// <summary>With <paramref name="stopWait"/>, how long <see cref="Dispose"/> waits for the queued cancellations.</summary>
    internal ClientAborts(TimeSpan stopWait)
    {
        _stopWait = stopWait;
        _thread = new Thread(Run) { IsBackground = true, Name = "Client aborts" };
        _thread.Start();
    }

    /// <summary>A token this thread cancels once <paramref name="aborted"/> is cancelled, until the request it is for ends.</summary>
    public Following Follow(CancellationToken aborted) => new(_pending, aborted);

    /// <summary>One request's token; disposed before its client's cancellation, it leaves nothing queued.</summary>
    public sealed class Following : IDisposable
    {
        private readonly BlockingCollection<CancellationTokenSource> _pending;
        private readonly CancellationTokenSource _source = new();
        private readonly CancellationTokenRegistration _registration;

        internal Following(BlockingCollection<CancellationTokenSource> pending, CancellationToken aborted)
        {
            _pending = pending;
            Token = _source.Token;
            _registration = aborted.UnsafeRegister(static (state, _) => ((Following)state!).Queue(), this);
        }

        public CancellationToken Token { get; }

        /// <summary>Stops following the client's token; the source is this object's to dispose unless it was handed to the thread.</summary>
        public void Dispose()
        {
            if (_registration.Unregister())
            {
                _source.Dispose();
            }
        }

        private void Queue()
        {
            try
            {
                _pending.Add(_source);
            }
            catch (InvalidOperationException)
            {
                // The service is stopping and the thread takes no more (Dispose): the cancellation
                // runs here, on the thread that learned of the drop, as it would without this class.
                CancelAndDispose(_source);
            }
        }
    }

    private void Run()
    {
        foreach (var source in _pending.GetConsumingEnumerable())
        {
            CancelAndDispose(source);
        }
    }

    private static void CancelAndDispose(CancellationTokenSource source)
    {
        // A callback that throws is the command's own failure, reported by the request it belongs
        // to; it must not end the thread that serves every other request's cancellation.
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
        }
        finally
        {
            source.Dispose();
        }
    }

    /// <summary>
    /// Takes no more cancellations (later ones run where they are set off) and waits a while for the
    /// queued ones. The queue itself is not disposed: after the wait the thread may still be inside a
    /// slow cancellation (a cancel request to an unreachable database) and read the queue next, and
    /// it holds no operating-system handle.
    /// </summary>
    public void Dispose()
    {
        _pending.CompleteAdding();
        _thread.Join(_stopWait);
    }
}

/// <summary>Gives each request the token of <see cref="ClientAborts"/> in place of its client's, and the client's back when it ends.</summary>
public sealed class ClientAbortsMiddleware(RequestDelegate next, ClientAborts aborts)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        using var following = aborts.Follow(aborted);
        context.RequestAborted = following.Token;
        try
        {
            await next(context);
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }
}
