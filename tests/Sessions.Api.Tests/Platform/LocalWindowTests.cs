using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Sessions.Api.Operations;

namespace Sessions.Api.Tests.Platform;

/// <summary>One partition's window counted in this process, with a clock the test moves.</summary>
public sealed class LocalWindowTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void TheLimitIsGrantedFromTheFirstRequest_TheNextIsToldWhatIsLeftOfTheWindow()
    {
        using var window = new LocalWindow(3, Minute, _clock);

        _clock.Advance(TimeSpan.FromSeconds(5));
        var first = window.AttemptAcquire();
        _clock.Advance(TimeSpan.FromSeconds(30));
        var second = window.AttemptAcquire();
        var third = window.AttemptAcquire();
        _clock.Advance(TimeSpan.FromSeconds(12.5));
        var refused = window.AttemptAcquire();

        Assert.True(first.IsAcquired && second.IsAcquired && third.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(17.5), retryAfter);
        Assert.Equal([MetadataName.RetryAfter.Name], refused.MetadataNames);
        Assert.False(first.TryGetMetadata(MetadataName.RetryAfter, out _));
    }

    [Fact]
    public void TheFirstRequestAfterTheWindowHasPassed_OpensTheNext_FromItsOwnTime()
    {
        using var window = new LocalWindow(1, Minute, _clock);
        Assert.True(window.AttemptAcquire().IsAcquired);
        _clock.Advance(Minute - TimeSpan.FromTicks(1));
        Assert.False(window.AttemptAcquire().IsAcquired);

        _clock.Advance(TimeSpan.FromSeconds(90));
        Assert.True(window.AttemptAcquire().IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(59));
        var refused = window.AttemptAcquire();

        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        Assert.Equal(0, window.GetStatistics()!.CurrentAvailablePermits);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, window.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void AWindowIsBusyWhileOpen_AndIdleFromWhenItCloses()
    {
        using var window = new LocalWindow(2, Minute, _clock);
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), window.IdleDuration);

        Assert.True(window.AttemptAcquire().IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(window.IdleDuration);

        _clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(TimeSpan.FromSeconds(10), window.IdleDuration);
    }

    [Fact]
    public void AskingForNoPermit_TellsWhetherOneIsLeft_AndOpensNoWindow()
    {
        using var window = new LocalWindow(1, Minute, _clock);
        _clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(window.AttemptAcquire(0).IsAcquired);
        Assert.Equal(TimeSpan.FromSeconds(20), window.IdleDuration);
        Assert.True(window.AttemptAcquire().IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(15));
        var none = window.AttemptAcquire(0);

        Assert.False(none.IsAcquired);
        Assert.True(none.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(45), retryAfter);
    }

    [Fact]
    public async Task NoRequestWaits_AndNoneAsksForMoreThanTheLimit()
    {
        using var window = new LocalWindow(1, Minute, _clock);

        Assert.True((await window.AcquireAsync()).IsAcquired);
        Assert.False((await window.AcquireAsync()).IsAcquired);
        Assert.Throws<ArgumentOutOfRangeException>(() => window.AttemptAcquire(2));
    }
}
