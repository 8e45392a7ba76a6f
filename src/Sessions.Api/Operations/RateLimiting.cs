using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sessions.Api.OpenApi;
using RedisRateLimiting;
using Sessions.Api.Errors;
using Sessions.Api.Health;
using Sessions.Api.Security;
using Sessions.Application.Common.Telemetry;
using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// A fixed window of requests per principal (the token's <c>sub</c>), or per client address for
/// anonymous callers: <c>RateLimiting:PermitLimit</c> requests every <c>RateLimiting:WindowSeconds</c>,
/// counted in this process (<c>RateLimiting:Store=Memory</c>, <see cref="LocalWindow"/>) or in Redis,
/// across every instance (<c>Redis</c>, <see cref="RedisRateLimits"/>).
/// Health checks and API documentation are not limited. A refused request gets 429 with
/// <c>Retry-After</c>: the seconds left of its window.
/// </summary>
public static class RateLimiting
{
    public const int DefaultPermitLimit = 1200;
    public const int DefaultWindowSeconds = 60;

    /// <summary>A day: a longer window would let a client's burst hold its partition's permits for longer than any caller waits.</summary>
    public const int MaxWindowSeconds = 86_400;

    public static IServiceCollection AddServiceRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var permitLimit = Settings.WholeNumber(configuration, "RateLimiting:PermitLimit", DefaultPermitLimit, 1, int.MaxValue, "a positive number of requests");
        var window = TimeSpan.FromSeconds(Settings.WholeNumber(configuration, "RateLimiting:WindowSeconds", DefaultWindowSeconds, 1, MaxWindowSeconds, $"a whole number of seconds from 1 to {MaxWindowSeconds}"));

        var store = Settings.Choice(configuration, "RateLimiting:Store", defaultValue: "Memory", "Memory", "Redis");
        if (store == "Redis")
        {
            var connection = configuration.GetConnectionString("Redis");
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new RefusedSettingException("RateLimiting:Store=Redis needs ConnectionStrings:Redis.");
            }

            AddRedisStore(services, connection);
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsExempt(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("exempt")
                    : store == "Redis"
                        ? RateLimitPartition.Get(PartitionKey(context), key => context.RequestServices.GetRequiredService<RedisRateLimits>().Window($"sessions:{key}", permitLimit, window))
                        : RateLimitPartition.Get(PartitionKey(context), _ => new LocalWindow(permitLimit, window, context.RequestServices.GetRequiredService<TimeProvider>())));
            limiter.OnRejected = (rejected, _) =>
            {
                SessionsTelemetry.RateLimitRejected();
                // A window counted here names what is left of it MetadataName.RetryAfter; the Redis
                // store its own name, in whole seconds rounded down, and its window still refuses
                // during its last second: one more second is when a retry is let in. Without either,
                // the whole window is the safe answer.
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait
                    : store == "Redis" && RedisStoreSecondsLeft(rejected.Lease) is { } storeSeconds ? TimeSpan.FromSeconds(storeSeconds + 1)
                    : window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(ErrorResponses.WriteAsync(
                    rejected.HttpContext,
                    ErrorResponses.ForStatus(StatusCodes.Status429TooManyRequests, $"Too many requests: at most {permitLimit} every {window.TotalSeconds:0} s. Retry in {seconds} s.")));
            };
        });
        return services;
    }

    // The Redis store's types are named only in methods of their own, called only when it is
    // configured: the JIT loads every assembly a method names when it compiles the method, and a
    // service that counts here loads neither StackExchange.Redis nor the store's library (ADR 0078).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedisStore(IServiceCollection services, string connection)
    {
        var options = RedisRateLimits.Options(connection);
        services.AddSingleton(_ => RedisRateLimits.Connect(options));
        services.AddSingleton<RedisRateLimits>();
        services.AddHealthChecks().AddCheck<RedisRateLimits.Check>("rate_limit_store", HealthStatus.Degraded, [HealthEndpoints.ReadyTag]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int? RedisStoreSecondsLeft(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) ? seconds : null;

    /// <summary>
    /// Whose requests a limit counts together: a token's subject (in one spelling, for the service
    /// takes every spelling of a user's id as that user), or the address of a caller without one.
    /// </summary>
    public static string PartitionKey(HttpContext context) =>
        HttpCurrentUser.IdOf(context.User) is { } user ? $"principal:{user}"
            : context.User.FindFirst("sub")?.Value is { } subject ? $"principal:{subject}"
            : $"address:{context.Connection.RemoteIpAddress}";

    private static bool IsExempt(PathString path) =>
        Telemetry.IsOperational(path) || path.StartsWithSegments(DocumentationPaths.Root, StringComparison.OrdinalIgnoreCase);
}
