using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisRateLimiting;
using Sessions.Infrastructure;
using StackExchange.Redis;

namespace Sessions.Api.Operations;

/// <summary>
/// The rate limit's windows kept in Redis (<c>RateLimiting:Store=Redis</c>), so every instance
/// counts against one limit. Redis unreachable or too slow, the service keeps answering and keeps
/// a limit, counting each window in this process instead (the same limit per instance): while the
/// connection is down Redis is not asked at all, and a call that fails (a timeout of a slow Redis)
/// opens a circuit for <see cref="RetryAfter"/>, after which one request asks Redis again while the
/// others still count here; its success closes the circuit. A warning is logged at most once a
/// minute, and readiness reports the store degraded while the windows are counted here.
/// </summary>
public sealed partial class RedisRateLimits(IConnectionMultiplexer redis, ILogger<RedisRateLimits> logger, TimeProvider clock)
{
    /// <summary>How long after a failed call Redis is not asked while it stays connected.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private const long Closed = long.MinValue;
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private long _lastLoggedAt = long.MinValue;
    private long _openedAt = Closed;

    /// <summary>Where a window is counted for one request.</summary>
    private enum Counting
    {
        /// <summary>In Redis, across instances.</summary>
        Redis,

        /// <summary>In Redis, as the one request that tries it again once the circuit has been open <see cref="RetryAfter"/>.</summary>
        Probe,

        /// <summary>In this process.</summary>
        Here,
    }

    /// <summary>
    /// The connection's options, read when the service starts: a connection string StackExchange.Redis
    /// cannot read (a misspelt keyword, a value of the wrong kind) stops the start with the reason,
    /// instead of failing every request the limiter sees (ADR 0019).
    /// </summary>
    public static ConfigurationOptions Options(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new RefusedSettingException($"ConnectionStrings:Redis is not a connection string StackExchange.Redis reads: {exception.Message}", exception);
        }
    }

    /// <summary>A connection that retries in the background: never blocks startup, never gives up.</summary>
    public static IConnectionMultiplexer Connect(ConfigurationOptions options)
    {
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>Whether the windows are counted in Redis now (or the next request tries it again).</summary>
    private bool IsShared
    {
        get
        {
            var openedAt = Interlocked.Read(ref _openedAt);
            return redis.IsConnected && (openedAt == Closed || IsDueForRetry(openedAt, clock.GetTimestamp()));
        }
    }

    /// <summary>Whether a circuit opened at <paramref name="openedAt"/> has been open <see cref="RetryAfter"/> at <paramref name="now"/>.</summary>
    private bool IsDueForRetry(long openedAt, long now) => clock.GetElapsedTime(openedAt, now) >= RetryAfter;

    /// <summary>Where this request's window is counted; of the requests that find the circuit open long enough, one is the probe.</summary>
    private Counting Choose()
    {
        if (!redis.IsConnected)
        {
            Unreachable(null);
            return Counting.Here;
        }

        var openedAt = Interlocked.Read(ref _openedAt);
        if (openedAt == Closed)
        {
            return Counting.Redis;
        }

        var now = clock.GetTimestamp();
        return IsDueForRetry(openedAt, now) && Interlocked.CompareExchange(ref _openedAt, now, openedAt) == openedAt
            ? Counting.Probe
            : Counting.Here;
    }

    private void Answered(Counting counting)
    {
        if (counting == Counting.Probe)
        {
            Interlocked.Exchange(ref _openedAt, Closed);
        }
    }

    public RateLimiter Window(string partitionKey, int permitLimit, TimeSpan window) =>
        new Fallback(
            this,
            new RedisFixedWindowRateLimiter<string>(partitionKey, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                PermitLimit = permitLimit,
                Window = window,
            }),
            new LocalWindow(permitLimit, window, clock),
            clock);

    private void Failed(Exception exception)
    {
        Interlocked.Exchange(ref _openedAt, clock.GetTimestamp());
        Unreachable(exception);
    }

    /// <summary>Tells the operator that the windows are counted here, once a minute at most: for a call that failed, or for a connection that is down (no call is tried then).</summary>
    private void Unreachable(Exception? exception)
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref _lastLoggedAt);
        if ((last == long.MinValue || clock.GetElapsedTime(last, now) >= LogEvery)
            && Interlocked.CompareExchange(ref _lastLoggedAt, now, last) == last)
        {
            LogUnreachable(logger, exception);
        }
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Redis is unreachable or too slow: rate limits are counted per instance until it answers again (logged at most once a minute)")]
    private static partial void LogUnreachable(ILogger logger, Exception? exception);

    /// <summary>Readiness: degraded, not unhealthy, while the windows are not counted in Redis (the service still answers).</summary>
    public sealed class Check(RedisRateLimits limits) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(limits.IsShared
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded("Redis is unreachable or too slow: rate limits are counted per instance."));
    }

    /// <summary>The Redis window, or this process's window for the same partition while the circuit is open.</summary>
    private sealed class Fallback(RedisRateLimits owner, RateLimiter inner, RateLimiter local, TimeProvider clock) : RateLimiter
    {
        private long _lastAskedAt = clock.GetTimestamp();

        /// <summary>
        /// How long no request has asked this partition, while no window is open here: the
        /// partitioned limiter drops a partition idle for more than 10 s, so one per caller does not
        /// stay for the life of the process. The Redis limiter cannot say it (its state is in Redis;
        /// it reports zero, which would keep the partition forever), and dropping the partition
        /// loses nothing of a window counted there.
        /// </summary>
        public override TimeSpan? IdleDuration =>
            local.IdleDuration is { } localIdle
                ? TimeSpan.FromTicks(Math.Min(localIdle.Ticks, clock.GetElapsedTime(Interlocked.Read(ref _lastAskedAt)).Ticks))
                : null;

        public override RateLimiterStatistics? GetStatistics() => null;

        /// <summary>Redis is only asked asynchronously: the middleware then calls <see cref="AcquireAsyncCore"/>.</summary>
        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Interlocked.Exchange(ref _lastAskedAt, clock.GetTimestamp());
            return inner.AttemptAcquire(permitCount);
        }

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref _lastAskedAt, clock.GetTimestamp());
            var counting = owner.Choose();
            if (counting == Counting.Here)
            {
                return local.AttemptAcquire(permitCount);
            }

            try
            {
                var lease = await inner.AcquireAsync(permitCount, cancellationToken);
                owner.Answered(counting);
                return lease;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                owner.Failed(exception);
                return local.AttemptAcquire(permitCount);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                local.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>The partitioned limiter disposes a partition's limiter it evicts asynchronously: both windows go with it.</summary>
        protected override async ValueTask DisposeAsyncCore()
        {
            await inner.DisposeAsync();
            await local.DisposeAsync();
            await base.DisposeAsyncCore();
        }
    }
}
