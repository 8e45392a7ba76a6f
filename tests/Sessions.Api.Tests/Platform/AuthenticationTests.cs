using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

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
        { "without expiry", TestTokens.Create(user, TestUser.ReadWrite, expiring: false) },
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

    [Fact]
    public async Task EveryDocumentedOperation_WithoutAToken_Is401_AndWithAnExpiredOne_Too()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var session = (await Client.CreateSessionAsync(workspace, member)).Id();
        var expired = TestTokens.Create(member.Id, TestUser.ReadWrite, expires: DateTime.UtcNow.AddMinutes(-10));
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var operations = (
            from path in document["paths"]!.AsObject()
            from operation in path.Value!.AsObject()
            select (Method: new HttpMethod(operation.Key.ToUpperInvariant()), Path: path.Key
                .Replace("{org}", workspace.Org, StringComparison.Ordinal)
                .Replace("{workspace}", workspace.Workspace, StringComparison.Ordinal)
                .Replace("{session_id}", session.ToString(), StringComparison.Ordinal)
                .Replace("{group_id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{user_id}", member.Id.ToString(), StringComparison.Ordinal))).ToList();

        Assert.True(operations.Count >= 30, $"the document lists {operations.Count} operations");

        // ... and the document says so, for all of them: Swagger UI's Authorize sends the token.
        Assert.Equal("""[{"Bearer":[]}]""", document["security"]!.ToJsonString());
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        foreach (var (method, path) in operations)
        {
            var body = method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}";
            foreach (var token in new[] { null, expired })
            {
                var response = await Client.SendAsync(method, path, token, body);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} {(token is null ? "without a token" : "with an expired token")}");
                await response.ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
            }
        }

        await Client.GetAsync(workspace.SessionPath(session), member.Token()).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("expired", "expired")]
    [InlineData("wrongly signed", "signature")]
    [InlineData("wrong issuer", "issuer")]
    [InlineData("wrong audience", "audience")]
    [InlineData("malformed", "malformed")]
    [InlineData("without expiry", "no expiry (exp)")]
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
        var trail = await Client.GetAsync($"{workspace.SessionPath(session.Id())}/events", colleague.Token()).ExpectAsync(HttpStatusCode.OK);
        var events = trail["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["SessionCreated", "SessionShared"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(events, e => Assert.True(e.ContainsKey("actor") && e["actor"] is null));
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

    /// <summary>
    /// Tokens alternating between two profiles (two sign-ins with different claims) leave the chip
    /// at the latest token's: a claim set is skipped only while it is the one last written.
    /// </summary>
    [Fact]
    public async Task TokensAlternatingBetweenTwoProfiles_TheChipFollowsTheLatest()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = await Client.CreateSessionAsync(workspace, owner);
        var other = TestTokens.Create(owner.Id, TestUser.ReadWrite, "other@example.com");

        await (await Client.GetAsync(workspace.SessionPath(session.Id()), other)).ExpectAsync(HttpStatusCode.OK);
        var read = await (await Client.GetAsync(workspace.SessionPath(session.Id()), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var again = await (await Client.GetAsync(workspace.SessionPath(session.Id()), other)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(owner.Email, read["created_by"]!["email"]!.GetValue<string>());
        Assert.Equal("other@example.com", again["created_by"]!["email"]!.GetValue<string>());
    }
}
