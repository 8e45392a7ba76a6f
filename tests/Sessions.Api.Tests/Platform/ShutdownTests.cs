using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sessions.Api.Json;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The service told to stop (SIGTERM): with <c>Shutdown:DrainSeconds</c> it keeps answering, new
/// connections too, while readiness turns 503, so a load balancer takes it out before it stops
/// listening; a request in flight, a large body still arriving included, is answered; then it
/// ends cleanly.
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
        if (!_database.IsPostgres)
        {
            // Its connections closed, SQLite's write-ahead log is merged into the file and gone.
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_database.ConnectionString).DataSource;
            Assert.True(File.Exists(file));
            Assert.False(File.Exists(file + "-wal") && new FileInfo(file + "-wal").Length > 0, $"{file}-wal was left with {new FileInfo(file + "-wal").Length} bytes");
        }
    }

    /// <summary>
    /// A large append (past <see cref="WellFormedJsonInputFormatter.RescannedBodyBytes"/>, with its
    /// length told or chunked) still arriving when the service is told to stop is read to its end
    /// and answered, as any request in flight: the stop does not surface as a canceled read (it
    /// was answered 500 once).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Terminated_WhileALargeAppendArrives_ReadsItWhole_AndAnswersIt(bool lengthTold)
    {
        var (workspace, owner) = await ServiceProcess.PrepareWorkspaceAsync(_database);
        await using var service = await ServiceProcess.StartAsync(_database);
        using var http = service.CreateClient();
        var session = (await http.CreateSessionAsync(workspace, owner)).Id();
        var ids = Enumerable.Range(0, 400).Select(_ => Guid.NewGuid()).ToList();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { messages = ids.Select(id => new { id, role = "user", content = new string('x', 3_000) }) });
        Assert.True(body.Length > WellFormedJsonInputFormatter.RescannedBodyBytes);
        using var content = new TrickledContent(body, lengthTold);
        using var request = new HttpRequestMessage(HttpMethod.Post, workspace.SessionPath(session) + "/transcript") { Content = content };
        request.Headers.Authorization = new("Bearer", owner.Token());

        var sending = http.SendAsync(request);
        await content.Started.WaitAsync(Patience);
        service.Terminate();
        var response = await sending;
        var exitCode = await service.ExitCodeAsync(Patience);

        var answer = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ids, answer["messages"]!.AsArray().Select(m => Guid.Parse(m!["id"]!.GetValue<string>())));
        Assert.Equal(0, exitCode);
    }

    /// <summary>A JSON body sent 64 KiB at a time, 50 ms apart; <see cref="Started"/> completes once two parts are sent.</summary>
    private sealed class TrickledContent : HttpContent
    {
        private const int Part = 64 * 1024;
        private readonly byte[] _body;
        private readonly bool _lengthTold;
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TrickledContent(byte[] body, bool lengthTold)
        {
            (_body, _lengthTold) = (body, lengthTold);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public Task Started => _started.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var (offset, sent) = (0, 1); offset < _body.Length; offset += Part, sent++)
            {
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(Part, _body.Length - offset)));
                await stream.FlushAsync();
                if (sent == 2)
                {
                    _started.TrySetResult();
                }

                await Task.Delay(50);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return _lengthTold;
        }
    }
}
