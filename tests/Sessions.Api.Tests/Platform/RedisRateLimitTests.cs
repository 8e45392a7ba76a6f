using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Runs only where the suite is given a Redis it may stop and start (<c>SESSIONS_TEST_REDIS</c>,
/// <c>SESSIONS_REDIS_STOP</c>, <c>SESSIONS_REDIS_START</c>), as <c>.ci/run</c> does.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisApiFactory.RedisServer is null)
        {
            Skip = "Needs SESSIONS_TEST_REDIS, SESSIONS_REDIS_STOP and SESSIONS_REDIS_START (set by .ci/run).";
            DisplayName = "Redis rate limits: skipped without a throwaway Redis to stop (SESSIONS_TEST_REDIS, which .ci/run provides)";
        }
    }
}

/// <summary>A host whose rate limit is kept in Redis: 10 requests a minute per principal.</summary>
public class RedisApiFactory : ApiFactory
{
    public const int Limit = 10;

    public RedisApiFactory()
    {
    }

    protected RedisApiFactory(TestDatabase database)
        : base(database, ownsDatabase: false)
    {
    }

    public static string? RedisServer => Environment.GetEnvironmentVariable("SESSIONS_TEST_REDIS") is { Length: > 0 } server
        && Environment.GetEnvironmentVariable("SESSIONS_REDIS_STOP") is { Length: > 0 }
        && Environment.GetEnvironmentVariable("SESSIONS_REDIS_START") is { Length: > 0 } ? server : null;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RateLimiting:Store"] = "Redis",
        ["ConnectionStrings:Redis"] = RedisServer ?? "127.0.0.1:1",
        ["RateLimiting:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:WindowSeconds"] = "60",
    };

    /// <summary>The scripts this instance sent to Redis.</summary>
    public RedisScripts Scripts { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var connection = services.Single(service => service.ServiceType == typeof(IConnectionMultiplexer));
            services.Remove(connection);
            services.AddSingleton(provider => Scripts.Counting((IConnectionMultiplexer)connection.ImplementationFactory!(provider)));
        });
    }

    /// <summary>A second instance of the service, on the first one's database and Redis.</summary>
    public sealed class SecondInstance(TestDatabase database) : RedisApiFactory(database);
}

/// <summary>Two instances on one database and one Redis, as behind a load balancer.</summary>
public sealed class TwoRedisInstances : IAsyncLifetime
{
    public RedisApiFactory First { get; } = new();

    public RedisApiFactory Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (RedisApiFactory.RedisServer is null)
        {
            return;
        }

        await First.InitializeAsync();
        Second = new RedisApiFactory.SecondInstance(First.Database);
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (RedisApiFactory.RedisServer is null)
        {
            return;
        }

        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}

public sealed class RedisRateLimitTests(TwoRedisInstances hosts) : IClassFixture<TwoRedisInstances>
{
    [RedisFact]
    public async Task TwoInstances_EnforceOneLimitTogether()
    {
        var (path, token) = await CallerAsync();
        hosts.First.Scripts.Reset();
        hosts.Second.Scripts.Reset();

        var statuses = await SendAsync(path, token, 30);

        Assert.Equal(15, hosts.First.Scripts.Sent);
        Assert.Equal(15, hosts.Second.Scripts.Sent);
        Assert.Equal(RedisApiFactory.Limit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(30 - RedisApiFactory.Limit, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses.Where((_, i) => i % 2 == 0));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses.Where((_, i) => i % 2 == 1));
    }

    [RedisFact]
    public async Task ARefusal_SaysWhenTheWindowEnds_NotTheWholeWindow()
    {
        var (path, token) = await CallerAsync();
        await SendAsync(path, token, RedisApiFactory.Limit);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var refused = await hosts.Second.CreateClient().GetAsync(path, token);

        await refused.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(refused.RetryAfterSeconds(), 1, 59);
    }

    /// <summary>
    /// Redis stopped, each instance counts the limit itself (two instances let twice the limit
    /// through, no more), and asks Redis at most once, the call that finds it gone: without the
    /// circuit every request would ask it and wait for its one-second timeout. Restarted, both
    /// instances count in Redis again.
    /// </summary>
    [RedisFact]
    public async Task RedisStopped_EachInstanceCountsTheLimit_ReadinessIsDegraded_AndBothRecover()
    {
        var (path, token) = await CallerAsync();
        Run("SESSIONS_REDIS_STOP");
        try
        {
            var ready = await ReadinessAsync(hosts.First, status => status == "degraded");
            hosts.First.Scripts.Reset();
            hosts.Second.Scripts.Reset();
            var statuses = await SendAsync(path, token, (2 * RedisApiFactory.Limit) + 6);
            var asked = (hosts.First.Scripts.Sent, hosts.Second.Scripts.Sent);
            var refused = await hosts.Second.CreateClient().GetAsync(path, token);

            Assert.Equal(2 * RedisApiFactory.Limit, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            await refused.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.InRange(refused.RetryAfterSeconds(), 1, 60);
            Assert.InRange(asked.Item1, 0, 1);
            Assert.InRange(asked.Item2, 0, 1);
            Assert.Equal("""{"status":"degraded","checks":{"database":"healthy","rate_limit_store":"degraded"}}""", ready);
        }
        finally
        {
            Run("SESSIONS_REDIS_START");
        }

        Assert.Equal("""{"status":"healthy","checks":{"database":"healthy","rate_limit_store":"healthy"}}""", await ReadinessAsync(hosts.First, status => status == "healthy"));
        Assert.Equal("""{"status":"healthy","checks":{"database":"healthy","rate_limit_store":"healthy"}}""", await ReadinessAsync(hosts.Second, status => status == "healthy"));
        var (again, fresh) = await CallerAsync();
        hosts.First.Scripts.Reset();
        hosts.Second.Scripts.Reset();
        var enforced = await SendAsync(again, fresh, RedisApiFactory.Limit + 2);
        Assert.Equal(RedisApiFactory.Limit, enforced.Count(s => s == HttpStatusCode.OK));
        Assert.Equal((RedisApiFactory.Limit + 2) / 2, hosts.First.Scripts.Sent);
        Assert.Equal((RedisApiFactory.Limit + 2) / 2, hosts.Second.Scripts.Sent);
    }

    /// <summary>A new principal (its own window) and a path it may read.</summary>
    private async Task<(string Path, string Token)> CallerAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(hosts.First);
        var member = await workspace.AddMemberAsync();
        return (workspace.SessionsPath, member.Token());
    }

    /// <summary>Requests one after another, alternating between the two instances.</summary>
    private async Task<List<HttpStatusCode>> SendAsync(string path, string token, int count)
    {
        var first = hosts.First.CreateClient();
        var second = hosts.Second.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await (i % 2 == 0 ? first : second).GetAsync(path, token)).StatusCode);
        }

        return statuses;
    }

    /// <summary>An instance's readiness answer once its status is the one awaited (readiness is cached for 2 s).</summary>
    private static async Task<string> ReadinessAsync(RedisApiFactory instance, Func<string, bool> awaited)
    {
        var client = instance.CreateClient();
        var body = string.Empty;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var response = await client.GetAsync("/health/ready", token: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
            if (awaited(System.Text.Json.Nodes.JsonNode.Parse(body)!["status"]!.GetValue<string>()))
            {
                return body;
            }

            await Task.Delay(500);
        }

        return body;
    }

    private static void Run(string variable)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", Environment.GetEnvironmentVariable(variable)!]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
