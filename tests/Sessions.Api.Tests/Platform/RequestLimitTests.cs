using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host that accepts bodies of at most 1 KiB.</summary>
public sealed class SmallBodyApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "1024" };
}

public sealed class RequestLimitTests(SmallBodyApiFactory factory) : ApiTest<SmallBodyApiFactory>(factory), IClassFixture<SmallBodyApiFactory>
{
    [Fact]
    public async Task Body_OverTheConfiguredLimit_Is413Envelope()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var envelope = await (await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m", title = new string('x', 2000) }))
            .ExpectEnvelopeAsync(HttpStatusCode.RequestEntityTooLarge, "invalid_request");

        Assert.Contains("1024", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, HttpStatusCode.Created)]
    [InlineData(1025, HttpStatusCode.RequestEntityTooLarge)]
    public async Task Body_OfExactlyTheLimit_IsAccepted_AndOneByteMoreIsNot(int size, HttpStatusCode expected)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var json = $$"""{"id":"{{Guid.NewGuid()}}","model":"m"}""";
        var body = json + new string(' ', size - System.Text.Encoding.UTF8.GetByteCount(json));

        var response = await Client.PostAsync(workspace.SessionsPath, owner.Token(), body);

        Assert.Equal(size, System.Text.Encoding.UTF8.GetByteCount(body));
        Assert.Equal(expected, response.StatusCode);
    }
}
