using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host allowing 2 requests per partition and minute.</summary>
public sealed class TwoRequestsApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["RateLimiting:PermitLimit"] = "2" };
}

public sealed class AnonymousRateLimitTests(TwoRequestsApiFactory factory) : IClassFixture<TwoRequestsApiFactory>
{
    [Fact]
    public async Task AnonymousCallers_AreLimitedPerAddress_ApartFromAuthenticatedOnes()
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var member = await workspace.AddMemberAsync();
        var path = workspace.SessionPath(Guid.NewGuid());

        await (await client.GetAsync(path, token: null)).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        await (await client.GetAsync(path, token: null)).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        var limited = await client.GetAsync(path, token: null);
        await limited.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(limited.RetryAfterSeconds(), 1, 60);

        // Another address has a window of its own.
        using var fromElsewhere = new HttpRequestMessage(HttpMethod.Get, path);
        fromElsewhere.Headers.Add(TestRemoteAddress.Header, "192.0.2.7");
        await (await client.SendAsync(fromElsewhere)).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");

        await (await client.GetAsync(path, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }
}
