using System.Net;
using System.Net.Sockets;
using System.Text;
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

    /// <summary>
    /// A body whose chunked framing is broken (a chunk size that is no hexadecimal number, or one
    /// past 31 bits, which Kestrel refuses as an IOException, once a 500) is told that its framing
    /// is what to fix, not its JSON, which is well formed; nothing is stored.
    /// </summary>
    [Theory]
    [InlineData("ZZ")]
    [InlineData("80000000")]
    [InlineData("fffffffff")]
    public async Task ABodyWithBrokenChunkedFraming_Is400SayingTheFramingIsWhatToFix(string chunkSize)
    {
        var (workspace, owner) = await ServiceProcess.PrepareWorkspaceAsync(_database);
        await using var service = await ServiceProcess.StartAsync(_database);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(service.Address.Host, service.Address.Port);
        var stream = tcp.GetStream();
        var body = $$"""{"id": "{{Guid.NewGuid()}}", "model": "m"}""";

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {workspace.SessionsPath} HTTP/1.1\r\nHost: {service.Address.Authority}\r\nAuthorization: Bearer {owner.Token()}\r\n" +
            $"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunkSize}\r\n{body}\r\n0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"invalid_request\"", answer, StringComparison.Ordinal);
        Assert.Contains("its framing (the chunked transfer coding or Content-Length) is broken", answer, StringComparison.Ordinal);
        using var http = service.CreateClient();
        var list = await (await http.GetAsync(workspace.SessionsPath, owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, list["total"]!.GetValue<int>());
    }
}
