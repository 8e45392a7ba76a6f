using Microsoft.AspNetCore.Http;
using Sessions.Api.Operations;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A request's cancellation by its client runs on the thread of <see cref="ClientAborts"/>, so a
/// callback that blocks (Npgsql's cancel request) holds neither the thread that learns of the drop
/// nor any other thread-pool thread (ADR 0037).
/// </summary>
public sealed class ClientAbortsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ClientAborts _aborts = new();

    [Fact]
    public async Task AClientsDrop_CancelsTheRequestsToken_OnTheAbortsThread_WithoutWaitingForItsCallbacks()
    {
        using var client = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = client.Token };
        using var release = new ManualResetEventSlim();
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ranOn = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken seen = default;
        var middleware = new ClientAbortsMiddleware(async request =>
        {
            seen = request.RequestAborted;
            using var blocking = request.RequestAborted.Register(() =>
            {
                ranOn.TrySetResult(Thread.CurrentThread.Name);
                release.Wait(Patience);
            });
            registered.SetResult();
            await finish.Task;
            request.RequestAborted.ThrowIfCancellationRequested();
        }, _aborts);

        var invocation = middleware.InvokeAsync(context);
        await registered.Task.WaitAsync(Patience);
        Assert.NotEqual(client.Token, seen);

        // Were the callback run by Cancel itself, it would block here until released, on this thread.
        await client.CancelAsync();
        Assert.Equal("Client aborts", await ranOn.Task.WaitAsync(Patience));
        Assert.False(release.IsSet);

        release.Set();
        finish.SetResult();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation.WaitAsync(Patience));
        Assert.True(seen.IsCancellationRequested);
        Assert.Equal(client.Token, context.RequestAborted);
    }

    [Fact]
    public async Task ARequestThatEnds_BeforeItsClientDrops_KeepsItsTokenUncancelled()
    {
        using var client = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = client.Token };
        CancellationToken seen = default;
        var middleware = new ClientAbortsMiddleware(request =>
        {
            seen = request.RequestAborted;
            return Task.CompletedTask;
        }, _aborts);

        await middleware.InvokeAsync(context);
        await client.CancelAsync();

        Assert.True(seen.CanBeCanceled);
        Assert.False(seen.IsCancellationRequested);
        Assert.Equal(client.Token, context.RequestAborted);
    }

    [Fact]
    public async Task ACallbackThatThrows_LeavesTheThreadServingTheNextRequests()
    {
        for (var request = 0; request < 2; request++)
        {
            using var client = new CancellationTokenSource();
            var context = new DefaultHttpContext { RequestAborted = client.Token };
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var middleware = new ClientAbortsMiddleware(async next =>
            {
                // Callbacks run last registered first: the throwing one before the one that notes the cancel.
                using var noting = next.RequestAborted.Register(cancelled.SetResult);
                using var throwing = next.RequestAborted.Register(() => throw new InvalidOperationException("a callback's own failure"));
                started.SetResult();
                await cancelled.Task;
            }, _aborts);

            var invocation = middleware.InvokeAsync(context);
            await started.Task.WaitAsync(Patience);
            await client.CancelAsync();
            await invocation.WaitAsync(Patience);
        }
    }

    /// <summary>
    /// Stopping while a cancellation blocks (a cancel request to an unreachable database) returns
    /// after its wait; a client's drop after that is cancelled where it is set off, without an
    /// exception, and the blocked cancellation still finishes on the thread.
    /// </summary>
    [Fact]
    public async Task AfterStopping_ADropIsCancelledWhereItIsSetOff_AndTheBlockedOneStillFinishes()
    {
        var aborts = new ClientAborts(TimeSpan.FromMilliseconds(50));
        using var release = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var firstClient = new CancellationTokenSource();
        using var first = aborts.Follow(firstClient.Token);
        using var slow = first.Token.Register(() =>
        {
            blocked.SetResult();
            release.Wait(Patience);
            finished.SetResult(Thread.CurrentThread.Name);
        });
        await firstClient.CancelAsync();
        await blocked.Task.WaitAsync(Patience);

        aborts.Dispose();
        using var laterClient = new CancellationTokenSource();
        using var later = aborts.Follow(laterClient.Token);
        await laterClient.CancelAsync();

        Assert.True(later.Token.IsCancellationRequested);
        release.Set();
        Assert.Equal("Client aborts", await finished.Task.WaitAsync(Patience));
    }

    public void Dispose() => _aborts.Dispose();
}
