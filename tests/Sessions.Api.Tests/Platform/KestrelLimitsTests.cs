using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// What Kestrel refuses before the service sees a request has no envelope and no CORS headers (a
/// browser reads it as "Failed to fetch"): its limits are set above the service's own, so that the
/// service answers. The service as a process of its own, as Kestrel runs only there.
/// </summary>
public sealed class KestrelLimitsTests : IAsyncLifetime
{
    private const string Origin = "https://app.example.com";

    private readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>
    /// A request line past Kestrel's default 8 KiB (a list filtered by many labels) is the service's
    /// 414 with the envelope and the CORS headers a frontend needs to read it.
    /// </summary>
    [Fact]
    public async Task ARequestLinePastEightKibibytes_IsTheServices414_ReadableByABrowser()
    {
        await using var service = await ServiceProcess.StartAsync(_database, new Dictionary<string, string> { ["Cors__AllowedOrigins__0"] = Origin });
        using var http = service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/org/o/ws/w/sessions?" + string.Join('&', Enumerable.Repeat("label=team%3Ared", 1_000)));
        request.Headers.Add("Origin", Origin);

        using var answer = await http.SendAsync(request);

        var envelope = await Task.FromResult(answer).ExpectEnvelopeAsync(HttpStatusCode.RequestUriTooLong, "invalid_request");
        Assert.Contains("4096 characters", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Origin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
