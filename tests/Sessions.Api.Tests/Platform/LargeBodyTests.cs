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
/// request) that reads one large body at a time and lets none wait, wanting large bodies at a
/// given number of bytes a second at least.
/// </summary>
public abstract class LargeBodyApiFactory : ApiFactory
{
    private readonly int _minBytesPerSecond;
    private readonly int _turns;

    protected LargeBodyApiFactory(int minBytesPerSecond, int turns = 1)
    {
        _minBytesPerSecond = minBytesPerSecond;
        _turns = turns;
        UseKestrel(0);
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Limits:MaxConcurrentLargeBodies"] = _turns.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:LargeBodyQueue"] = "0",
        ["Limits:LargeBodyMinBytesPerSecond"] = _minBytesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:LargeBodyWaitSeconds"] = "2",
    };
}

/// <summary>Two large bodies at a time, one a caller, none cut off for slowness; a turn waited for 2 s at most.</summary>
public sealed class TwoLargeBodiesApiFactory() : LargeBodyApiFactory(minBytesPerSecond: 1, turns: 2);

/// <summary>One large body at a time, none cut off for slowness: its held body waits for the test, however slowly the machine runs it.</summary>
public sealed class OneLargeBodyApiFactory() : LargeBodyApiFactory(minBytesPerSecond: 1);

/// <summary>One large body at a time, at 1 MiB a second at least.</summary>
public sealed class SlowLargeBodyApiFactory() : LargeBodyApiFactory(minBytesPerSecond: 1024 * 1024);

public sealed class SlowLargeBodyTests(SlowLargeBodyApiFactory factory) : IClassFixture<SlowLargeBodyApiFactory>
{
    private readonly HttpClient _client = OverTheSocket.Client(factory);

    /// <summary>
    /// A client that sends 1 MiB and then stops holds the only large-body turn only until its rate
    /// falls below the minimum after the grace period; then the turn is free for the next body.
    /// </summary>
    [Fact]
    public async Task ALargeBodyTrickledBelowTheMinimumRate_IsCutOff_AndFreesItsTurn()
    {
        var (workspace, owner, session, body) = await OverTheSocket.ASessionAndALargeAppendAsync(factory, _client);
        var limits = factory.Services.GetRequiredService<RequestLimits>();

        var (first, stalled) = await OverTheSocket.HoldTheOnlyTurnAsync(factory, _client, workspace.SessionPath(session) + "/transcript", owner, body);
        await OverTheSocket.WhenAsync(() => limits.LargeBodyStatistics?.CurrentAvailablePermits == 1, TimeSpan.FromSeconds(30));

        var next = await _client.SendJsonAsync(workspace.SessionPath(session) + "/transcript", owner, new ByteArrayContent(body));
        stalled.Release();

        await next.ExpectAsync(HttpStatusCode.OK);
        var outcome = await Record.ExceptionAsync(async () => Assert.Equal(HttpStatusCode.RequestTimeout, (await first).StatusCode));
        Assert.True(outcome is null or HttpRequestException, $"the stalled request ended with {outcome}");
        var stored = await (await _client.GetAsync(workspace.SessionPath(session) + "/transcript", owner.Token())).JsonAsync();
        Assert.Single(stored["messages"]!.AsArray());
    }
}

public sealed class LargeBodyTests(OneLargeBodyApiFactory factory) : IClassFixture<OneLargeBodyApiFactory>
{
    private readonly HttpClient _client = OverTheSocket.Client(factory);

    [Fact]
    public async Task LargeBodies_BeyondTheConcurrencyLimit_Are429WithRetryAfter_SmallOnesPass_AndTheFirstCompletes()
    {
        var (workspace, owner, session, body) = await OverTheSocket.ASessionAndALargeAppendAsync(factory, _client);
        var other = await workspace.AddMemberAsync();
        var othersSession = (await _client.CreateSessionAsync(workspace, other)).Id();
        var (first, slow) = await OverTheSocket.HoldTheOnlyTurnAsync(factory, _client, workspace.SessionPath(session) + "/transcript", owner, body);
        var second = await _client.SendJsonAsync(workspace.SessionPath(othersSession) + "/transcript", other, new ByteArrayContent(body));
        var small = await _client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "small" } } });
        slow.Release();

        var refusal = await second.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("Too many large request bodies are being read at once; retry in 1 s.", refusal["detail"]!.GetValue<string>());
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
}

/// <summary>A body that stops after <c>heldAfter</c> bytes until released, as a slow client's would.</summary>
internal sealed class HeldContent(byte[] body, int heldAfter) : HttpContent
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

public sealed class LargeBodiesPerCallerTests(TwoLargeBodiesApiFactory factory) : IClassFixture<TwoLargeBodiesApiFactory>
{
    private readonly HttpClient _client = OverTheSocket.Client(factory);

    /// <summary>
    /// One caller reads one large body at a time: its second waits for its first (taking no turn
    /// of the service's meanwhile, so another caller still gets one), its third is 429 at once, and
    /// a wait longer than <c>Limits:LargeBodyWaitSeconds</c> ends in 429.
    /// </summary>
    [Fact]
    public async Task OneCallersLargeBodies_TakeOneTurnAtATime_LeavingTheOtherToAnotherCaller()
    {
        var (workspace, owner, session, body) = await OverTheSocket.ASessionAndALargeAppendAsync(factory, _client);
        var other = await workspace.AddMemberAsync();
        var othersSession = (await _client.CreateSessionAsync(workspace, other)).Id();
        var limits = factory.Services.GetRequiredService<RequestLimits>();
        var path = workspace.SessionPath(session) + "/transcript";

        var (first, slow) = await OverTheSocket.HoldTheOnlyTurnAsync(factory, _client, path, owner, body, turnsLeft: 1);
        var second = _client.SendJsonAsync(path, owner, new ByteArrayContent(body));
        var third = await _client.SendJsonAsync(path, owner, new ByteArrayContent(body));
        var others = await _client.SendJsonAsync(workspace.SessionPath(othersSession) + "/transcript", other, new ByteArrayContent(body));
        var waited = await second;
        slow.Release();

        var refusal = await third.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("You are sending as many large request bodies at once as one caller may; retry when one is done.", refusal["detail"]!.GetValue<string>());
        await others.ExpectAsync(HttpStatusCode.OK);
        await waited.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        await (await first).ExpectAsync(HttpStatusCode.OK);
        await (await _client.SendJsonAsync(path, owner, new ByteArrayContent(body))).ExpectAsync(HttpStatusCode.OK);
        await OverTheSocket.WhenAsync(() => limits.LargeBodyStatistics?.CurrentAvailablePermits == 2, TimeSpan.FromSeconds(10));
    }
}

/// <summary>Requests to a host on a real Kestrel socket, whose body the app reads as it arrives.</summary>
internal static class OverTheSocket
{
    /// <summary>A client without the redirect handler, which buffers a request body to be able to send it again.</summary>
    public static HttpClient Client(ApiFactory factory) => factory.CreateClient(new()
    {
        AllowAutoRedirect = false,
        HandleCookies = false,
        BaseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()),
    });

    /// <summary>A member's session and an append of one message whose body is over 1 MiB.</summary>
    public static async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session, byte[] Body)> ASessionAndALargeAppendAsync(ApiFactory factory, HttpClient client)
    {
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();
        return (workspace, owner, session, Encoding.UTF8.GetBytes($$"""{"messages":[{"role":"user","content":"{{new string('x', 1_500_000)}}"}]}"""));
    }

    /// <summary>Sends a body that stops after its first MiB, and returns once it holds a large-body turn (the only one, unless others are left).</summary>
    public static async Task<(Task<HttpResponseMessage> Answer, HeldContent Body)> HoldTheOnlyTurnAsync(ApiFactory factory, HttpClient client, string path, TestUser user, byte[] body, int turnsLeft = 0)
    {
        var held = new HeldContent(body, heldAfter: 1024 * 1024);
        var answer = client.SendJsonAsync(path, user, held);
        await held.Holding;
        await WhenAsync(() => factory.Services.GetRequiredService<RequestLimits>().LargeBodyStatistics?.CurrentAvailablePermits == turnsLeft, TimeSpan.FromSeconds(10));
        return (answer, held);
    }

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, string path, TestUser user, HttpContent content)
    {
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new("Bearer", user.Token());
        return client.SendAsync(request);
    }

    public static async Task WhenAsync(Func<bool> condition, TimeSpan within)
    {
        for (var waited = TimeSpan.Zero; !condition(); waited += TimeSpan.FromMilliseconds(10))
        {
            Assert.True(waited < within, $"the condition did not hold within {within.TotalSeconds} s");
            await Task.Delay(10);
        }
    }
}
