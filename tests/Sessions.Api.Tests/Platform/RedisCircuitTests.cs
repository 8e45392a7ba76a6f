using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Api.Operations;
using StackExchange.Redis;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The Redis store's circuit, with a Redis that answers, fails or hangs as each test says and a
/// clock the test moves: where each request's window is counted, and what readiness says.
/// </summary>
public sealed class RedisCircuitTests
{
    private const int Limit = 3;

    private readonly FakeTimeProvider _clock = new();
    private readonly Mock<IDatabase> _database = new();
    private readonly Mock<ILogger<RedisRateLimits>> _logger = new();
    private readonly RedisRateLimits _limits;
    private bool _connected = true;
    private Func<Task<RedisResult>> _answer = Allowed;

    public RedisCircuitTests()
    {
        var redis = new Mock<IConnectionMultiplexer>();
        redis.Setup(r => r.IsConnected).Returns(() => _connected);
        redis.Setup(r => r.GetDatabase(It.IsAny<int>(), It.IsAny<object?>())).Returns(_database.Object);
        _database.Setup(d => d.ScriptEvaluateAsync(It.IsAny<LuaScript>(), It.IsAny<object?>(), It.IsAny<CommandFlags>())).Returns(() => _answer());
        _logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        _limits = new RedisRateLimits(redis.Object, _logger.Object, _clock);
    }

    private int RedisCalls => _database.Invocations.Count;

    /// <summary>The warnings that the windows are counted here (event 430).</summary>
    private int Warnings => _logger.Invocations.Count(call => call.Method.Name == nameof(ILogger.Log) && call.Arguments[0] is LogLevel.Warning && call.Arguments[1] is EventId { Id: 430 });

    /// <summary>
    /// A connection that is down is told as a failed call is, once a minute at most: no call is tried
    /// then, so the warning was never logged while Redis stayed away.
    /// </summary>
    [Fact]
    public async Task WhileDisconnected_TheOperatorIsToldOnceAMinute()
    {
        _connected = false;
        using var window = Window();

        await window.AcquireAsync();
        await window.AcquireAsync();
        _clock.Advance(TimeSpan.FromSeconds(59));
        await window.AcquireAsync();
        Assert.Equal(1, Warnings);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await window.AcquireAsync();
        Assert.Equal(2, Warnings);
        Assert.Equal(0, RedisCalls);
    }

    [Fact]
    public async Task ARedisThatAnswers_CountsEveryWindow_AndIsReady()
    {
        using var window = Window();

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await window.AcquireAsync()).IsAcquired);
        }

        Assert.Equal(5, RedisCalls);
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync());
    }

    [Fact]
    public async Task WhileDisconnected_RedisIsNotAsked_AndEachWindowIsCountedHere()
    {
        _connected = false;
        using var window = Window();

        var leases = new List<RateLimitLease>();
        for (var i = 0; i < Limit; i++)
        {
            leases.Add(await window.AcquireAsync());
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        leases.Add(await window.AcquireAsync());

        Assert.Equal([true, true, true, false], leases.Select(l => l.IsAcquired));
        Assert.True(leases[^1].TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.Equal(0, RedisCalls);
        Assert.Equal(HealthStatus.Degraded, await ReadinessAsync());
    }

    [Fact]
    public async Task AFailedCall_LeavesRedisAloneForTheRetryPeriod_ThenOneRequestTriesIt_AndItsSuccessClosesTheCircuit()
    {
        _answer = () => throw new RedisTimeoutException("slow", CommandStatus.Sent);
        using var window = Window();

        Assert.True((await window.AcquireAsync()).IsAcquired);
        Assert.True((await window.AcquireAsync()).IsAcquired);
        _clock.Advance(RedisRateLimits.RetryAfter - TimeSpan.FromSeconds(1));
        Assert.True((await window.AcquireAsync()).IsAcquired);
        Assert.Equal(1, RedisCalls);
        Assert.Equal(HealthStatus.Degraded, await ReadinessAsync());

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync());
        Assert.False((await window.AcquireAsync()).IsAcquired);
        Assert.Equal(2, RedisCalls);
        Assert.Equal(HealthStatus.Degraded, await ReadinessAsync());

        _clock.Advance(RedisRateLimits.RetryAfter);
        var hanging = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answer = () => hanging.Task;
        var probe = window.AcquireAsync().AsTask();
        var meanwhile = await window.AcquireAsync();
        Assert.Equal(3, RedisCalls);
        Assert.False(meanwhile.IsAcquired);

        hanging.SetResult(await Allowed());
        Assert.True((await probe).IsAcquired);
        _answer = Allowed;
        Assert.True((await window.AcquireAsync()).IsAcquired);
        Assert.Equal(4, RedisCalls);
        Assert.Equal(HealthStatus.Healthy, await ReadinessAsync());
    }

    /// <summary>
    /// The partitioned limiter drops a partition idle for more than 10 s: a window counted in Redis
    /// is idle from its last request (the Redis limiter alone always says zero, which kept every
    /// caller's partition for the life of the process), and a request makes it busy again.
    /// </summary>
    [Fact]
    public async Task AWindowCountedInRedis_IsIdleFromItsLastRequest()
    {
        using var window = Window();
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), window.IdleDuration);

        Assert.True((await window.AcquireAsync()).IsAcquired);
        Assert.Equal(TimeSpan.Zero, window.IdleDuration);

        _clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(15), window.IdleDuration);
        Assert.Equal(1, RedisCalls);
    }

    /// <summary>A window counted here while Redis is away keeps its partition until it closes: dropping it would forget its count.</summary>
    [Fact]
    public async Task AWindowCountedHere_IsNotIdleUntilItCloses()
    {
        _connected = false;
        using var window = Window();
        Assert.True((await window.AcquireAsync()).IsAcquired);

        _clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(window.IdleDuration);

        _clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(TimeSpan.FromSeconds(15), window.IdleDuration);
    }

    private static Task<RedisResult> Allowed() =>
        Task.FromResult(RedisResult.Create([(RedisValue)1, (RedisValue)DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds(), (RedisValue)true]));

    private RateLimiter Window() => _limits.Window($"sessions:test:{Guid.NewGuid()}", Limit, TimeSpan.FromMinutes(1));

    private async Task<HealthStatus> ReadinessAsync() =>
        (await new RedisRateLimits.Check(_limits).CheckHealthAsync(new HealthCheckContext(), default)).Status;
}
