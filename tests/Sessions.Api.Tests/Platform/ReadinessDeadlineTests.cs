using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Sessions.Api.Health;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Readiness has <see cref="DatabaseReadiness.AnswerWithin"/> to answer: a database that accepts
/// connections and answers nothing is not ready then, where the probe waited out the connection's
/// and the command's timeouts (35 s at the defaults).
/// </summary>
public sealed class ReadinessDeadlineTests
{
    [Fact]
    public async Task AProbeThatGetsNoAnswer_AndHeedsNoCancellation_IsNotReady_AtTheDeadline_AndThatAnswerIsKept()
    {
        var clock = new FakeTimeProvider();
        using var readiness = new DatabaseReadiness(clock);
        var probes = 0;
        var never = new TaskCompletionSource<HealthCheckResult>();
        Task<HealthCheckResult> Unanswered(CancellationToken cancellationToken)
        {
            // As Npgsql opening a connection: the token is not heeded.
            probes++;
            return never.Task;
        }

        var answering = readiness.GetAsync(Unanswered, CancellationToken.None);
        await Task.Yield();
        Assert.False(answering.IsCompleted);
        clock.Advance(DatabaseReadiness.AnswerWithin);
        var answer = await answering.WaitAsync(TimeSpan.FromSeconds(30));
        var again = await readiness.GetAsync(Unanswered, CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, answer.Status);
        Assert.Equal("The database did not answer within 2 seconds.", answer.Description);
        Assert.Equal(answer.Description, again.Description);
        Assert.Equal(1, probes);
    }

    /// <summary>A caller that leaves is not told the database is unready: its cancellation stays a cancellation.</summary>
    [Fact]
    public async Task ACallerThatLeaves_BeforeTheDeadline_IsCancelled()
    {
        using var readiness = new DatabaseReadiness(new FakeTimeProvider());
        using var leaving = new CancellationTokenSource();

        var answering = readiness.GetAsync(async ct => { await Task.Delay(Timeout.InfiniteTimeSpan, ct); return HealthCheckResult.Healthy(); }, leaving.Token);
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answering.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
