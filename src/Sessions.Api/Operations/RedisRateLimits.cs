using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Sessions.Api.Operations;

/// <summary>
/// The rate limit's windows kept in Redis (<c>RateLimiting:Store=Redis</c>), so every instance
/// counts against one limit. Redis unreachable or too slow, the service keeps answering and keeps
/// a limit: a failed call opens a circuit, and while it is open every window is counted in this
/// process instead (the same limit per instance) without asking Redis, so only the call that
/// failed waited for it. The circuit closes when the connection is restored, or when Redis is
/// connected again <see cref="RetryAfter"/> after the failure (a slow Redis is then asked again).
/// A warning is logged at most once a minute, and readiness reports the store degraded.
/// </summary>
public sealed partial class RedisRateLimits
{
    /// <summary>How long after a failed call Redis is not asked while it stays connected.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private const long Closed = long.MinValue;
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<RedisRateLimits> _logger;
    private readonly TimeProvider _clock;
    private long _lastLoggedAt = long.MinValue;
    private long _openedAt = Closed;

    public RedisRateLimits(IConnectionMultiplexer redis, ILogger<RedisRateLimits> logger, TimeProvider clock)
    {
        _redis = redis;
        _logger = logger;
        _clock = clock;
        redis.ConnectionRestored += (_, _) => Interlocked.Exchange(ref _openedAt, Closed);
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
            throw new InvalidOperationException($"ConnectionStrings:Redis is not a connection string StackExchange.Redis reads: {exception.Message}", exception);
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

    /// <summary>Whether Redis is left alone: a call failed, and neither was the connection restored since nor is it connected <see cref="RetryAfter"/> later.</summary>
    private bool IsOpen
    {
        get
        {
            var openedAt = Interlocked.Read(ref _openedAt);
            return openedAt != Closed && (!_redis.IsConnected || _clock.GetElapsedTime(openedAt) < RetryAfter);
        }
    }

    /// <summary>Whether the windows are counted in Redis, across instances, now.</summary>
    private bool IsShared => _redis.IsConnected && !IsOpen;

    public RateLimiter Window(string partitionKey, int permitLimit, TimeSpan window) =>
        new Fallback(
            this,
            new RedisFixedWindowRateLimiter<string>(partitionKey, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => _redis,
                PermitLimit = permitLimit,
                Window = window,
            }),
            new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitLimit,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    private void Failed(Exception exception)
    {
        var now = _clock.GetTimestamp();
        Interlocked.Exchange(ref _openedAt, now);
        var last = Interlocked.Read(ref _lastLoggedAt);
        if ((last == long.MinValue || _clock.GetElapsedTime(last, now) >= LogEvery)
            && Interlocked.CompareExchange(ref _lastLoggedAt, now, last) == last)
        {
            LogUnreachable(_logger, exception);
        }
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Redis is unreachable or too slow: rate limits are counted per instance until it answers again (logged at most once a minute)")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    /// <summary>Readiness: degraded, not unhealthy, while the windows are not counted in Redis (the service still answers).</summary>
    public sealed class Check(RedisRateLimits limits) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(limits.IsShared
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded("Redis is unreachable or too slow: rate limits are counted per instance."));
    }

    /// <summary>The Redis window, or this process's window for the same partition while the circuit is open.</summary>
    private sealed class Fallback(RedisRateLimits owner, RateLimiter inner, RateLimiter local) : RateLimiter
    {
        public override TimeSpan? IdleDuration => inner.IdleDuration is { } redisIdle && local.IdleDuration is { } localIdle ? TimeSpan.FromTicks(Math.Min(redisIdle.Ticks, localIdle.Ticks)) : null;

        public override RateLimiterStatistics? GetStatistics() => null;

        /// <summary>Redis is only asked asynchronously: the middleware then calls <see cref="AcquireAsyncCore"/>.</summary>
        protected override RateLimitLease AttemptAcquireCore(int permitCount) => inner.AttemptAcquire(permitCount);

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            if (owner.IsOpen)
            {
                return local.AttemptAcquire(permitCount);
            }

            try
            {
                return await inner.AcquireAsync(permitCount, cancellationToken);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
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
    }
}
