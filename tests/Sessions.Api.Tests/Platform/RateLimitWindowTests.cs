using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host allowing 2 requests per principal and minute, on a clock the test moves.</summary>
public sealed class MovedClockApiFactory : ApiFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RateLimiting:PermitLimit"] = "2",
        ["RateLimiting:WindowSeconds"] = "60",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class RateLimitWindowTests(MovedClockApiFactory factory) : IClassFixture<MovedClockApiFactory>
{
    [Fact]
    public async Task ARefusedRequest_IsToldTheSecondsLeftOfItsWindow_AndIsLetInWhenItHasPassed()
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var member = await workspace.AddMemberAsync();
        var path = workspace.SessionPath(Guid.NewGuid());

        await (await client.GetAsync(path, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await (await client.GetAsync(path, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        factory.Clock.Advance(TimeSpan.FromSeconds(14.5));
        var limited = await client.GetAsync(path, member.Token());

        var envelope = await limited.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(16, limited.RetryAfterSeconds());
        Assert.EndsWith("Retry in 16 s.", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        factory.Clock.Advance(TimeSpan.FromSeconds(15.5));
        await (await client.GetAsync(path, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }
}
