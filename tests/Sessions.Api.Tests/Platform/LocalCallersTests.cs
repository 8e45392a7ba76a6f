using System.Net;
using Sessions.Api.Security;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A Development host signing with the key published with the source, as <c>dotnet run</c> starts it.</summary>
public sealed class PublishedKeyApiFactory : ApiFactory
{
    protected override string EnvironmentName => "Development";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Auth:SigningKey"] = AuthenticationSetup.DevelopmentSigningKey };
}

/// <summary>The same, opened to remote callers on purpose.</summary>
public sealed class OpenPublishedKeyApiFactory : ApiFactory
{
    protected override string EnvironmentName => "Development";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:SigningKey"] = AuthenticationSetup.DevelopmentSigningKey,
        ["Development:AllowRemoteTokens"] = "true",
    };
}

/// <summary>A Development host whose forwarded headers trust every sender.</summary>
public sealed class TrustEverySenderApiFactory : ApiFactory
{
    protected override string EnvironmentName => "Development";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["ForwardedHeaders:Enabled"] = "true",
        ["ForwardedHeaders:KnownNetworks:0"] = "0.0.0.0/0",
        ["ForwardedHeaders:KnownNetworks:1"] = "::/0",
    };
}

internal static class FromAddress
{
    public const string Remote = "203.0.113.9";

    public static Dictionary<string, string> Peer(string peer, string? forwardedFor = null)
    {
        var headers = new Dictionary<string, string> { [TestRemoteAddress.Header] = peer };
        if (forwardedFor is not null)
        {
            headers["X-Forwarded-For"] = forwardedFor;
        }

        return headers;
    }

    /// <summary>A token from <c>POST /dev/token</c>, asked from this machine, and its user's id.</summary>
    public static async Task<(string Token, Guid UserId)> MintAsync(HttpClient client, string email)
    {
        var answer = await (await client.SendAsync(HttpMethod.Post, "/dev/token", token: null, new { email, org = "demo", workspace = "default" }, Peer("127.0.0.1")))
            .ExpectAsync(HttpStatusCode.OK);
        return (answer["access_token"]!.GetValue<string>(), answer["user_id"]!.GetValue<Guid>());
    }
}

public sealed class PublishedKeyTests(PublishedKeyApiFactory factory) : IClassFixture<PublishedKeyApiFactory>
{
    private const string Sessions = "/api/v1/org/demo/ws/default/sessions";

    [Fact]
    public async Task ATokenOfThePublishedKey_FromAnotherMachine_Is401_FromThisMachine_IsAccepted()
    {
        var client = factory.CreateClient();
        var (minted, userId) = await FromAddress.MintAsync(client, "published@example.com");
        var forged = TestTokens.Create(userId, ["sessions:read", "sessions:write"], signingKey: AuthenticationSetup.DevelopmentSigningKey);

        foreach (var token in new[] { minted, forged })
        {
            var remote = await (await client.SendAsync(HttpMethod.Get, Sessions, token, headers: FromAddress.Peer(FromAddress.Remote))).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
            Assert.Contains("accepts its tokens from this machine only", remote["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            await (await client.SendAsync(HttpMethod.Get, Sessions, token, headers: FromAddress.Peer("127.0.0.1"))).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", "X-Forwarded-For", FromAddress.Remote)]
    [InlineData("127.0.0.1", "X-Forwarded-For", "127.0.0.1")]
    [InlineData("::1", "Forwarded", "for=127.0.0.1")]
    [InlineData(FromAddress.Remote, "X-Forwarded-For", "127.0.0.1")]
    public async Task ATokenOfThePublishedKey_ThroughAForwarderTheServiceDoesNotTrust_Is401(string peer, string header, string value)
    {
        // Forwarded headers are off here: a loopback peer that still says it speaks for someone is a
        // forwarder on this machine (a tunnel, a proxy), and the client behind it may be anywhere.
        var client = factory.CreateClient();
        var (token, _) = await FromAddress.MintAsync(client, $"forwarded-{Guid.NewGuid():N}@example.com");
        var headers = new Dictionary<string, string> { [TestRemoteAddress.Header] = peer, [header] = value };

        await (await client.SendAsync(HttpMethod.Get, Sessions, token, headers: headers)).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task ATokenOfThePublishedKey_OverAConnectionWithNoAddress_IsAccepted_AndSoIsDevToken()
    {
        // The in-process test server (and a Unix socket) has no peer address: it is on this machine.
        var client = factory.CreateClient();
        var answer = await (await client.SendAsync(HttpMethod.Post, "/dev/token", token: null, new { email = "in-process@example.com", org = "demo", workspace = "default" }, FromAddress.Peer(TestRemoteAddress.NoAddress)))
            .ExpectAsync(HttpStatusCode.OK);
        var forged = TestTokens.Create(answer["user_id"]!.GetValue<Guid>(), ["sessions:read"], signingKey: AuthenticationSetup.DevelopmentSigningKey);

        await (await client.SendAsync(HttpMethod.Get, Sessions, forged, headers: FromAddress.Peer(TestRemoteAddress.NoAddress))).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class OpenPublishedKeyTests(OpenPublishedKeyApiFactory factory) : IClassFixture<OpenPublishedKeyApiFactory>
{
    [Fact]
    public async Task ATokenOfThePublishedKey_WhenRemoteTokensAreAllowed_IsAcceptedFromAnywhere()
    {
        var client = factory.CreateClient();
        var (token, _) = await FromAddress.MintAsync(client, "open@example.com");

        await (await client.SendAsync(HttpMethod.Get, "/api/v1/org/demo/ws/default/sessions", token, headers: FromAddress.Peer(FromAddress.Remote))).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class OwnKeyInDevelopmentTests(DevelopmentWithLogsApiFactory factory) : IClassFixture<DevelopmentWithLogsApiFactory>
{
    [Fact]
    public async Task ATokenOfAKeyOfOnesOwn_IsAcceptedFromAnotherMachine()
    {
        var client = factory.CreateClient();
        var (token, _) = await FromAddress.MintAsync(client, "own-key@example.com");

        await (await client.SendAsync(HttpMethod.Get, "/api/v1/org/demo/ws/default/sessions", token, headers: FromAddress.Peer(FromAddress.Remote))).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class TrustEverySenderTests(TrustEverySenderApiFactory factory) : IClassFixture<TrustEverySenderApiFactory>
{
    [Theory]
    [InlineData(FromAddress.Remote, "127.0.0.1")]
    [InlineData("127.0.0.1", FromAddress.Remote)]
    public async Task DevToken_IsRefused_UnlessThePeerAndTheForwardedClientAreBothLoopback(string peer, string forwardedFor)
    {
        var response = await TokenAsync(peer, forwardedFor);

        await response.ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task DevToken_ForALoopbackClientForwardedByALoopbackPeer_IsIssued()
    {
        await (await TokenAsync("::1", "127.0.0.1")).ExpectAsync(HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> TokenAsync(string peer, string forwardedFor) =>
        factory.CreateClient().SendAsync(HttpMethod.Post, "/dev/token", token: null, new { email = "spoof@example.com", org = "demo", workspace = "default" }, FromAddress.Peer(peer, forwardedFor));
}
