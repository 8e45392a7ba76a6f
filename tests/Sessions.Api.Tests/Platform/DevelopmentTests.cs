using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Domain.Organizations;
using Sessions.Infrastructure.Development;
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

    /// <summary>
    /// Many tokens asked for at once for one new organization each get their token (no 409 for the
    /// rows another request created meanwhile), and the organization is created once.
    /// </summary>
    [Fact]
    public async Task DevToken_AskedForManyAtOnce_ForANewOrganization_AnswersEveryone()
    {
        for (var round = 0; round < 5; round++)
        {
            var org = $"race-{Guid.NewGuid():N}"[..20];
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var asking = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await Client.PostAsync("/dev/token", token: null, new { email = $"racer{i % 4}@example.com", org, workspace = "w" });
            })).ToList();
            start.SetResult();
            var answers = await Task.WhenAll(asking);

            Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
            var token = (await answers[0].ExpectAsync(HttpStatusCode.OK))["access_token"]!.GetValue<string>();
            await (await Client.GetAsync($"/api/v1/org/{org}/ws/w/sessions", token)).ExpectAsync(HttpStatusCode.OK);

            // A lost attempt's queued rows are discarded, not saved with the next attempt.
            var created = await Factory.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.Type == "OrganizationCreated" && o.Payload.Contains(org)));
            Assert.Equal(1, created);
        }
    }

    [Fact]
    public async Task DevToken_InvalidBody_Is422WithLoc()
    {
        await (await Client.PostAsync("/dev/token", token: null, new { email = "nope", org = "Bad Org", workspace = "ok" })).ExpectValidationErrorAsync("body", "org");
    }

    /// <summary>
    /// The token endpoint's body follows CONTRACT §2 like every other: a value of the wrong type is
    /// 422 at its JSON path, text that is no JSON 400, another media type 415, each an envelope.
    /// </summary>
    [Theory]
    [InlineData("""{"email":"a@example.com","org":"demo","workspace":"default","scopes":"sessions:read"}""", "scopes")]
    [InlineData("""{"email":"a@example.com","org":"demo","workspace":"default","role":"owner"}""", "role")]
    [InlineData("""{"email":["a@example.com"],"org":"demo","workspace":"default"}""", "email")]
    public async Task DevToken_AValueOfTheWrongType_Is422AtItsPath(string body, string field)
    {
        var error = await (await Client.PostAsync("/dev/token", token: null, body)).ExpectValidationErrorAsync("body", field);
        Assert.False(string.IsNullOrEmpty(error["msg"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DevToken_NoJsonOrAnotherMediaType_IsTheEnvelope()
    {
        await (await Client.PostAsync("/dev/token", token: null, "{\"email\":")).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "malformed_json");
        using var form = new StringContent("email=a@example.com", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await Client.PostAsync("/dev/token", form);
        await response.ExpectEnvelopeAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    [Fact]
    public async Task DemoSeed_ExistsAtStartup()
    {
        var seeded = await Factory.WithDbAsync(db => Task.FromResult(db.Users.Any(u => u.Email == "dev@example.com") && db.Organizations.Any(o => o.Slug == "demo")));

        Assert.True(seeded);
    }

    /// <summary>
    /// A start seeds a database without the demo organization only: the next instance's start
    /// restored the seeded admin an admin had removed or demoted through another instance.
    /// </summary>
    [Fact]
    public async Task DemoSeed_LeavesAnExistingOrganizationAsItIs()
    {
        var admin = await DevTokenAsync("second.admin@example.com", "admin");
        const string members = "/api/v1/org/demo/ws/default/members";
        var seededId = await Factory.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == "dev@example.com").Id));
        Assert.Equal(seededId, (await SeedAgainAsync())?.Id);
        await (await Client.SendAsync(HttpMethod.Put, $"{members}/{seededId}", admin, new { role = "viewer" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Null(await SeedAgainAsync());
        var demoted = await (await Client.GetAsync(members, admin)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("viewer", demoted["members"]!.AsArray().Single(m => m!["user"]!["email"]!.GetValue<string>() == "dev@example.com")!["role"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, $"{members}/{seededId}", admin)).StatusCode);

        Assert.Null(await SeedAgainAsync());
        var removed = await (await Client.GetAsync(members, admin)).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(removed["members"]!.AsArray(), m => m!["user"]!["email"]!.GetValue<string>() == "dev@example.com");
    }

    private async Task<Domain.Users.User?> SeedAgainAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DevelopmentIdentity>()
            .SeedAsync("dev@example.com", "Dev User", "demo", "default", WorkspaceRole.Admin, CancellationToken.None);
    }

    private async Task<string> DevTokenAsync(string email, string role) =>
        (await (await Client.PostAsync("/dev/token", token: null, new { email, org = "demo", workspace = "default", role, scopes = new[] { "sessions:read", "sessions:write", "admin" } }))
            .ExpectAsync(HttpStatusCode.OK))["access_token"]!.GetValue<string>();
}
