using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host that accepts bodies of at most 1 KiB.</summary>
public sealed class SmallBodyApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "1024" };
}

public sealed class RequestLimitTests(SmallBodyApiFactory factory) : IClassFixture<SmallBodyApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Body_OverTheConfiguredLimit_Is413Envelope()
    {
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();

        var envelope = await (await _client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m", title = new string('x', 2000) }))
            .ExpectEnvelopeAsync(HttpStatusCode.RequestEntityTooLarge, "invalid_request");

        Assert.Contains("1024", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_UnderTheLimit_IsAccepted()
    {
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();

        await _client.CreateSessionAsync(workspace, owner);
    }
}
