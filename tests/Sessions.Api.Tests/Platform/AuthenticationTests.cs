using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;

namespace Sessions.Api.Tests.Platform;

[Collection(SharedApiCollection.Name)]
public sealed class AuthenticationTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    public static TheoryData<string, string> BadTokens(Guid user) => new()
    {
        { "expired", TestTokens.Create(user, TestUser.ReadWrite, expires: DateTime.UtcNow.AddMinutes(-10)) },
        { "wrongly signed", TestTokens.Create(user, TestUser.ReadWrite, signingKey: "another-signing-key-that-is-long-enough-000") },
        { "wrong issuer", TestTokens.Create(user, TestUser.ReadWrite, issuer: "someone-else") },
        { "wrong audience", TestTokens.Create(user, TestUser.ReadWrite, audience: "another-api") },
        { "malformed", "not.a.jwt" },
    };

    [Fact]
    public async Task Request_WithoutToken_Is401EnvelopeWithChallenge()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);

        var response = await Client.PostAsync(workspace.SessionPath(Guid.NewGuid()) + "/freeze", token: null);

        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        Assert.Contains("missing", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("expired", "expired")]
    [InlineData("wrongly signed", "signature")]
    [InlineData("wrong issuer", "issuer")]
    [InlineData("wrong audience", "audience")]
    [InlineData("malformed", "malformed")]
    public async Task Request_WithBadToken_Is401SayingWhy(string kind, string reason)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var token = BadTokens(owner.Id).Single(row => (string)row[0] == kind)[1]!.ToString();

        var freeze = await Client.PostAsync(workspace.SessionPath(session.Id()) + "/freeze", token);
        var envelope = await freeze.ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");

        Assert.Contains(reason, envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(read["frozen_at"]);
    }

    [Fact]
    public async Task Request_WithBasicScheme_Is401()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);

        var response = await Client.SendAsync(HttpMethod.Get, workspace.SessionPath(Guid.NewGuid()), null, headers: new Dictionary<string, string> { ["Authorization"] = "Basic dXNlcjpwYXNz" });

        await response.ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task Request_WithScpClaim_IsAcceptedLikeScope()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var token = TestTokens.Create(owner.Id, [Scopes.SessionsRead], owner.Email, scopeClaim: "scp");

        await (await Client.GetAsync(workspace.SessionPath(session.Id()), token)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Get_WithoutReadScope_Is403()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);

        await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token(Scopes.SessionsWrite))).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task Token_NameAndPreferredUsername_FillTheCreatedByChip()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var token = TestTokens.Create(owner.Id, TestUser.ReadWrite, owner.Email, name: "Ada Lovelace", username: "ada");

        var created = await (await Client.PostAsync(workspace.SessionsPath, token, new { id = Guid.NewGuid(), model = "m" })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("""{"id":"OWNER","email":"EMAIL","full_name":"Ada Lovelace","username":"ada"}""".Replace("OWNER", owner.Id.ToString(), StringComparison.Ordinal).Replace("EMAIL", owner.Email, StringComparison.Ordinal), created["created_by"]!.ToJsonString());
    }

    [Fact]
    public async Task CreatedBy_IsNullOnceTheUserIsGone()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        await Factory.WithDbAsync(db => db.Users.Where(u => u.Id == owner.Id).ExecuteDeleteAsync());

        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), colleague.Token())).ExpectAsync(HttpStatusCode.OK);

        Assert.True(read.ContainsKey("created_by"));
        Assert.Null(read["created_by"]);
        Assert.Null(read["shared_by"]);
        Assert.Equal(owner.Id.ToString(), read["user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_WithNewEmail_RefreshesTheCreatedByChip()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var renamed = TestTokens.Create(owner.Id, TestUser.ReadWrite, "renamed@example.com");

        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), renamed)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("renamed@example.com", read["created_by"]!["email"]!.GetValue<string>());
    }
}
