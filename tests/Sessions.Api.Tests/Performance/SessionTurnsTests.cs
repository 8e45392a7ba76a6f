using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Performance;

/// <summary>The line of this process's writers to one session (on a database server, before the row lock).</summary>
public sealed class SessionTurnsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SessionTurns _turns = new();

    [Fact]
    public async Task WritersToOneSession_TakeTheirTurnInTheOrderTheyCame()
    {
        var session = Guid.NewGuid();
        var first = await _turns.TakeAsync(session, Wait, CancellationToken.None);
        var order = new List<int>();
        var waiters = Enumerable.Range(1, 5).Select(i => TakeAndRecordAsync(session, i, order)).ToList();

        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        first.Dispose();
        await Task.WhenAll(waiters);

        Assert.Equal([1, 2, 3, 4, 5], order);
        Assert.Equal(0, _turns.Active);
    }

    [Fact]
    public async Task WritersToOtherSessions_DoNotWait()
    {
        using var held = await _turns.TakeAsync(Guid.NewGuid(), Wait, CancellationToken.None);

        var other = _turns.TakeAsync(Guid.NewGuid(), Wait, CancellationToken.None);

        Assert.True(other.IsCompletedSuccessfully);
        (await other).Dispose();
        Assert.Equal(1, _turns.Active);
    }

    [Fact]
    public async Task AWriterThatGivesUpWaiting_LeavesTheLine()
    {
        var session = Guid.NewGuid();
        var held = await _turns.TakeAsync(session, Wait, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = _turns.TakeAsync(session, Wait, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, _turns.Active);
        using var again = await _turns.TakeAsync(session, Wait, CancellationToken.None);
    }

    [Fact]
    public async Task AWriterWaitingLongerThanAStatementMay_TimesOut_AndLeavesTheLine()
    {
        var session = Guid.NewGuid();
        var held = await _turns.TakeAsync(session, Wait, CancellationToken.None);

        await Assert.ThrowsAsync<TimeoutException>(() => _turns.TakeAsync(session, TimeSpan.FromMilliseconds(50), CancellationToken.None));

        held.Dispose();
        Assert.Equal(0, _turns.Active);
    }

    private async Task TakeAndRecordAsync(Guid session, int index, List<int> order)
    {
        using var turn = await _turns.TakeAsync(session, Wait, CancellationToken.None);
        lock (order)
        {
            order.Add(index);
        }
    }
}
