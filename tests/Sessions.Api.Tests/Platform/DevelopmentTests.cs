using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host in the Development environment: the demo seed and the token endpoint exist.</summary>
public sealed class DevelopmentApiFactory : ApiFactory
{
    protected override string EnvironmentName => "Development";
}

public sealed class DevelopmentTests(DevelopmentApiFactory factory) : ApiTest<DevelopmentApiFactory>(factory), IClassFixture<DevelopmentApiFactory>
{
    [Fact]
    public async Task DevToken_CreatesMemberAndTheTokenCreatesAndFreezesASession()
    {
        var answer = await (await Client.PostAsync("/dev/token", token: null, new { email = "new.dev@example.com", name = "New Dev", org = "acme", workspace = "lab", scopes = new[] { "sessions:read", "sessions:write" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", answer["token_type"]!.GetValue<string>());
        var token = answer["access_token"]!.GetValue<string>();
        var id = Guid.NewGuid();

        var created = await (await Client.PostAsync("/api/v1/org/acme/ws/lab/sessions", token, new { id, model = "m" })).ExpectAsync(HttpStatusCode.Created);
        var frozen = await (await Client.PostAsync($"/api/v1/org/acme/ws/lab/sessions/{id.ToString()[..8]}/freeze", token)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(answer["user_id"]!.GetValue<string>(), created["user_id"]!.GetValue<string>());
        Assert.Equal("New Dev", created["created_by"]!["full_name"]!.GetValue<string>());
        Assert.Equal("user", frozen["frozen_by"]!.GetValue<string>());
    }

    [Fact]
    public async Task DevToken_DefaultRoleIsMember_AndSameEmailKeepsItsUser()
    {
        var first = await (await Client.PostAsync("/dev/token", token: null, new { email = "again@example.com", org = "demo", workspace = "default" })).ExpectAsync(HttpStatusCode.OK);
        var second = await (await Client.PostAsync("/dev/token", token: null, new { email = "again@example.com", org = "demo", workspace = "other", role = "viewer" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first["user_id"]!.GetValue<string>(), second["user_id"]!.GetValue<string>());
        var viewerToken = second["access_token"]!.GetValue<string>();
        await (await Client.PostAsync("/api/v1/org/demo/ws/other/sessions", viewerToken, new { id = Guid.NewGuid(), model = "m" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task DevToken_InvalidBody_Is422WithLoc()
    {
        await (await Client.PostAsync("/dev/token", token: null, new { email = "nope", org = "Bad Org", workspace = "ok" })).ExpectValidationErrorAsync("body", "org");
    }

    [Fact]
    public async Task DemoSeed_ExistsAtStartup()
    {
        var seeded = await Factory.WithDbAsync(db => Task.FromResult(db.Users.Any(u => u.Email == "dev@example.com") && db.Organizations.Any(o => o.Slug == "demo")));

        Assert.True(seeded);
    }
}
