using System.Diagnostics;
using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The service told to stop (SIGTERM) with <c>Shutdown:DrainSeconds</c>: it keeps answering while
/// readiness turns 503, so a load balancer takes it out before it stops listening, then it ends
/// cleanly.
/// </summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private const int DrainSeconds = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Terminated_KeepsAnsweringForTheDrain_WithReadinessNotReady_ThenExitsCleanly()
    {
        await using var service = await ServiceProcess.StartAsync(_database, new Dictionary<string, string> { ["Shutdown__DrainSeconds"] = DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var http = service.CreateClient();
        var token = TestTokens.Create(Guid.NewGuid(), ["sessions:read"]);
        await http.GetAsync("/health/ready", token: null).ExpectAsync(HttpStatusCode.OK);

        var clock = Stopwatch.StartNew();
        service.Terminate();
        HttpResponseMessage ready;
        do
        {
            ready = await http.GetAsync("/health/ready", token: null);
        }
        while (ready.StatusCode == HttpStatusCode.OK && clock.Elapsed < Patience);
        var live = await http.GetAsync("/health/live", token: null);
        var served = await http.GetAsync("/api/v1/org/nowhere/ws/none/sessions", token);
        var drainedFor = clock.Elapsed;
        var exitCode = await service.ExitCodeAsync(Patience);

        var envelope = await ready.ExpectEnvelopeAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Equal("Not ready: the service is stopping.", envelope["detail"]!.GetValue<string>());
        await live.ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(HttpStatusCode.Unauthorized, served.StatusCode);
        Assert.Equal("application/json", served.Content.Headers.ContentType?.MediaType);
        Assert.True(drainedFor < TimeSpan.FromSeconds(DrainSeconds), $"the drain was over before the checks ran ({drainedFor}): {service.Output}");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(DrainSeconds), $"the service stopped after {clock.Elapsed}, before its drain of {DrainSeconds} s");
        Assert.Equal(0, exitCode);
    }
}
