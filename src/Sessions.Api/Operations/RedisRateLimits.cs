using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Sessions.Api.Operations;

/// <summary>
/// The rate limit's windows kept in Redis (<c>RateLimiting:Store=Redis</c>), so every instance
/// counts against one limit. Redis unreachable, the service keeps answering: the limit fails open,
/// a warning is logged at most once a minute, and readiness reports the store degraded.
/// </summary>
public sealed partial class RedisRateLimits(IConnectionMultiplexer redis, ILogger<RedisRateLimits> logger, TimeProvider clock)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private long _lastLoggedAt = long.MinValue;

    public IConnectionMultiplexer Redis => redis;

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

    public RateLimiter Window(string partitionKey, int permitLimit, TimeSpan window) =>
        new FailOpen(this, new RedisFixedWindowRateLimiter<string>(partitionKey, new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = permitLimit,
            Window = window,
        }));

    private void Failed(Exception exception)
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref _lastLoggedAt);
        if ((last == long.MinValue || clock.GetElapsedTime(last, now) >= LogEvery)
            && Interlocked.CompareExchange(ref _lastLoggedAt, now, last) == last)
        {
            LogUnreachable(logger, exception);
        }
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Redis is unreachable: rate limits are not enforced until it returns (logged at most once a minute)")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    /// <summary>Readiness: degraded, not unhealthy, while Redis is unreachable (the service still answers).</summary>
    public sealed class Check(RedisRateLimits limits) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(limits.Redis.IsConnected
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded("Redis is unreachable: rate limits are not enforced across instances."));
    }

    /// <summary>The Redis window, which grants the request when Redis cannot answer.</summary>
    private sealed class FailOpen(RedisRateLimits owner, RateLimiter inner) : RateLimiter
    {
        private static readonly RateLimitLease Granted = new OpenLease();

        public override TimeSpan? IdleDuration => inner.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => null;

        /// <summary>Redis is only asked asynchronously: the middleware then calls <see cref="AcquireAsyncCore"/>.</summary>
        protected override RateLimitLease AttemptAcquireCore(int permitCount) => inner.AttemptAcquire(permitCount);

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.AcquireAsync(permitCount, cancellationToken);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                owner.Failed(exception);
                return Granted;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private sealed class OpenLease : RateLimitLease
        {
            public override bool IsAcquired => true;

            public override IEnumerable<string> MetadataNames => [];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
