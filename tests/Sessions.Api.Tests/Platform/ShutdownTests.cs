using System.Diagnostics;
using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The service told to stop (SIGTERM) with <c>Shutdown:DrainSeconds</c>: it keeps answering, new
/// connections too, while readiness turns 503, so a load balancer takes it out before it stops
/// listening; then it ends cleanly.
/// </summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private const int DrainSeconds = 10;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Terminated_KeepsAnsweringForTheDrain_WithReadinessNotReady_ThenExitsCleanly()
    {
        await using var service = await ServiceProcess.StartAsync(_database, new Dictionary<string, string> { ["Shutdown__DrainSeconds"] = DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        const string sessions = "/api/v1/org/nowhere/ws/none/sessions";
        var token = TestTokens.Create(Guid.NewGuid(), ["sessions:read"]);
        using (var warm = service.CreateClient())
        {
            await warm.GetAsync("/health/ready", token: null).ExpectAsync(HttpStatusCode.OK);
            await warm.GetAsync(sessions, token).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        }

        var clock = Stopwatch.StartNew();
        service.Terminate();
        HttpResponseMessage? ready = null;
        HttpResponseMessage? live = null;
        HttpResponseMessage? served = null;
        try
        {
            do
            {
                await Task.Delay(50);
                using var poll = service.CreateClient();
                ready = await poll.GetAsync("/health/ready", token: null);
            }
            while (ready.StatusCode == HttpStatusCode.OK && clock.Elapsed < Patience);

            // Each on a connection of its own: the drain also takes new connections.
            using (var fresh = service.CreateClient())
            {
                live = await fresh.GetAsync("/health/live", token: null);
            }

            using (var fresh = service.CreateClient())
            {
                served = await fresh.GetAsync(sessions, token);
            }
        }
        catch (HttpRequestException failure)
        {
            Assert.Fail($"the service stopped answering {clock.Elapsed} after SIGTERM, before its drain of {DrainSeconds} s ended: {failure.Message}\n{service.Output}");
        }

        var answeredWithin = clock.Elapsed;
        var exitCode = await service.ExitCodeAsync(Patience);

        var envelope = await ready!.ExpectEnvelopeAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Equal("Not ready: the service is stopping.", envelope["detail"]!.GetValue<string>());
        await live!.ExpectAsync(HttpStatusCode.OK);
        await served!.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.True(answeredWithin < TimeSpan.FromSeconds(DrainSeconds), $"the checks ended {answeredWithin} after SIGTERM, past the drain: {service.Output}");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(DrainSeconds), $"the service stopped {clock.Elapsed} after SIGTERM, before its drain of {DrainSeconds} s");
        Assert.Equal(0, exitCode);
    }
}
