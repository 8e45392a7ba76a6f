using System.Net;
using System.Text;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The limit on large bodies read at once (ADR 0018) counts a body whose length is not told ahead
/// over HTTP/2 too: a stream without <c>content-length</c> is neither a declared length nor
/// chunked, and was read without a turn. The service runs as a process with HTTP/2 only
/// (prior knowledge, no TLS), one large body at a time and none waiting.
/// </summary>
public sealed class Http2BodyTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ABodyOfUntoldLengthOverHttp2_TakesALargeBodyTurn_SoASecondOneIs429()
    {
        TestWorkspace workspace;
        TestUser owner;
        var setup = ApiFactory.On(_database);
        try
        {
            await setup.InitializeAsync();
            workspace = await TestWorkspace.CreateAsync(setup);
            owner = await workspace.AddMemberAsync();
        }
        finally
        {
            await setup.DisposeAsync();
        }

        await using var service = await ServiceProcess.StartAsync(_database, new Dictionary<string, string>
        {
            ["Kestrel__EndpointDefaults__Protocols"] = "Http2",
            ["Limits__MaxConcurrentLargeBodies"] = "1",
            ["Limits__LargeBodyQueue"] = "0",
        });
        using var http = new HttpClient { BaseAddress = service.Address };
        var session = Guid.NewGuid();
        using (var create = new StringContent($$"""{"id":"{{session}}","model":"m"}""", Encoding.UTF8, "application/json"))
        {
            await (await SendAsync(http, workspace.SessionsPath, owner, create)).ExpectAsync(HttpStatusCode.Created);
        }

        var held = new HeldBody("""{"messages":[{"role":"user","content":"held"}]}""");
        using var heldContent = new StreamContent(held);
        heldContent.Headers.ContentType = new("application/json");
        var first = SendAsync(http, workspace.SessionPath(session) + "/transcript", owner, heldContent);
        await held.Started.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        // The held body's headers and first byte are sent; its request takes the only turn once the
        // service has read its headers (given half a second, so that no other body is in the turn
        // then). Another body of untold length sent after that is refused; one sent before it (the
        // service not there yet) is answered, and the next one is tried.
        HttpResponseMessage? refused = null;
        var trying = System.Diagnostics.Stopwatch.StartNew();
        while (refused is null && trying.Elapsed < TimeSpan.FromSeconds(20))
        {
            var untold = new HeldBody("""{"messages":[{"role":"user","content":"another"}]}""");
            untold.Release();
            using var another = new StreamContent(untold);
            another.Headers.ContentType = new("application/json");
            var answer = await SendAsync(http, workspace.SessionPath(session) + "/transcript", owner, another);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = answer;
            }
            else
            {
                await answer.ExpectAsync(HttpStatusCode.OK);
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

        held.Release();
        Assert.NotNull(refused);
        await refused.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        await (await first).ExpectAsync(HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, TestUser user, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Authorization = new("Bearer", user.Token());
        return await http.SendAsync(request);
    }

    /// <summary>A body that sends its first byte, then waits for the test before it sends the rest.</summary>
    private sealed class HeldBody(string json) : Stream
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(json);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _sent;

        public Task Started => _started.Task;

        public void Release() => _released.TrySetResult();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _sent; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent == 1)
            {
                _started.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            var count = Math.Min(_sent == 0 ? 1 : buffer.Length, _bytes.Length - _sent);
            _bytes.AsMemory(_sent, count).CopyTo(buffer);
            _sent += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
