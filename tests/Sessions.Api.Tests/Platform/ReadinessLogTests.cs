using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Sessions.Api.Health;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host whose readiness has a check that stays degraded, as the rate limits' store is while Redis is away.</summary>
public sealed class DegradedReadinessApiFactory : LoggedApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHealthChecks()
            .AddCheck("store", () => HealthCheckResult.Degraded("the store is away"), [HealthEndpoints.ReadyTag]));
    }
}

/// <summary>
/// An orchestrator probes readiness every few seconds. A degraded dependency is the service's own
/// to report (Redis away: one warning a minute, ADR 0065); the health checks' framework logged a
/// warning of its own on every probe, thousands a day. It logs a failed check (an error) still.
/// </summary>
public sealed class ReadinessLogTests(DegradedReadinessApiFactory factory) : ApiTest<DegradedReadinessApiFactory>(factory), IClassFixture<DegradedReadinessApiFactory>
{
    [Fact]
    public async Task ADegradedCheck_IsNotLoggedOnEveryProbe()
    {
        for (var probe = 0; probe < 3; probe++)
        {
            var ready = await Client.GetAsync("/health/ready", token: null);
            await ready.ExpectAsync(HttpStatusCode.OK);
            Assert.Contains("\"store\":\"degraded\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Factory.Logs.Lines, line => line.Category.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal) && line.Level >= LogLevel.Warning);
    }
}
