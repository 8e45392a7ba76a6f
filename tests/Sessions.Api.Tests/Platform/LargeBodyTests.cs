using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Errors;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Persistence;
using Sessions.Domain.Common;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A host on a real Kestrel socket (the in-memory server reads a whole body before the app sees the
/// request) that reads one large body at a time and lets none wait.
/// </summary>
public sealed class OneLargeBodyApiFactory : ApiFactory
{
    public OneLargeBodyApiFactory() => UseKestrel(0);

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Limits:MaxConcurrentLargeBodies"] = "1",
        ["Limits:LargeBodyQueue"] = "0",
    };
}

public sealed class LargeBodyTests(OneLargeBodyApiFactory factory) : IClassFixture<OneLargeBodyApiFactory>
{
    // Without the redirect handler, which buffers a request body to be able to send it again.
    private readonly HttpClient _client = factory.CreateClient(new()
    {
        AllowAutoRedirect = false,
        HandleCookies = false,
        BaseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()),
    });

    [Fact]
    public async Task LargeBodies_BeyondTheConcurrencyLimit_Are429WithRetryAfter_SmallOnesPass_AndTheFirstCompletes()
    {
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await _client.CreateSessionAsync(workspace, owner)).Id();
        var body = Encoding.UTF8.GetBytes($$"""{"messages":[{"role":"user","content":"{{new string('x', 1_500_000)}}"}]}""");
        var slow = new HeldContent(body, heldAfter: 1024 * 1024);

        var first = SendAsync(workspace.SessionPath(session) + "/transcript", owner, slow);
        await slow.Holding;
        await WhenAsync(() => factory.Services.GetRequiredService<RequestLimits>().LargeBodyStatistics?.CurrentAvailablePermits == 0);
        var second = await SendAsync(workspace.SessionPath(session) + "/transcript", owner, new ByteArrayContent(body));
        var small = await _client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "small" } } });
        slow.Release();

        await second.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("1", second.Headers.GetValues("Retry-After").Single());
        await small.ExpectAsync(HttpStatusCode.OK);
        await (await first).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DatabaseRefusingAValue_IsClassifiedAsBadInput_NotAsAFault()
    {
        var classifier = factory.Services.GetRequiredService<IDatabaseErrorClassifier>();
        var statements = factory.Database.IsPostgres
            ? new[]
            {
                "CREATE TEMP TABLE short_text (v varchar(3)); INSERT INTO short_text VALUES ('abcdef')",
                "SELECT convert_from('\\xff'::bytea, 'UTF8')",
            }
            : ["SELECT zeroblob(2000000000)"];

        foreach (var statement in statements)
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(statement)));
            Assert.Equal(ErrorType.Validation, classifier.Classify(failure)?.Type);
        }
    }

    private static async Task WhenAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 10_000, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }

    private Task<HttpResponseMessage> SendAsync(string path, TestUser user, HttpContent content)
    {
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new("Bearer", user.Token());
        return _client.SendAsync(request);
    }

    /// <summary>A body that stops after <c>heldAfter</c> bytes until released, as a slow client's would.</summary>
    private sealed class HeldContent(byte[] body, int heldAfter) : HttpContent
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Holding => _holding.Task;

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, heldAfter));
            await stream.FlushAsync();
            _holding.TrySetResult();
            await _released.Task;
            await stream.WriteAsync(body.AsMemory(heldAfter));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
