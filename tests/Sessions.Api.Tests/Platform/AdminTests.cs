using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Platform;

[Collection(SharedApiCollection.Name)]
public sealed class AdminTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private readonly TestUser _platformAdmin = new(Guid.NewGuid(), "root@example.com");

    [Fact]
    public async Task PlatformAdmin_CreatesOrgWorkspaceAndMember_WhoCanThenUseTheWorkspace_WithTheProfileOfTheirOwnToken()
    {
        var slug = $"org-{Guid.NewGuid():N}"[..20];
        var org = await (await Client.PostAsync("/api/v1/orgs", Admin(), new { slug, name = "Acme" })).ExpectAsync(HttpStatusCode.OK);
        var ws = await (await Client.PostAsync($"/api/v1/org/{slug}/workspaces", Admin(), new { slug = "lab" })).ExpectAsync(HttpStatusCode.OK);
        var user = Guid.NewGuid();
        var member = await (await Client.SendAsync(HttpMethod.Put, $"/api/v1/org/{slug}/ws/lab/members/{user}", Admin(), new { role = "admin", email = "new@example.com", full_name = "New Person" }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Acme", org["name"]!.GetValue<string>());
        Assert.Equal("lab", ws["slug"]!.GetValue<string>());
        Assert.Equal("admin", member["role"]!.GetValue<string>());
        Assert.Null(member["user"]!["email"]);
        Assert.Null(member["user"]!["full_name"]);
        var memberToken = new TestUser(user, "new@example.com").Token();
        await (await Client.PostAsync($"/api/v1/org/{slug}/ws/lab/sessions", memberToken, new { id = Guid.NewGuid(), model = "m" })).ExpectAsync(HttpStatusCode.Created);
        var members = await (await Client.GetAsync($"/api/v1/org/{slug}/ws/lab/members", memberToken)).ExpectAsync(HttpStatusCode.OK);
        var listed = members["members"]!.AsArray().Single()!["user"]!;
        Assert.Equal(user.ToString(), listed["id"]!.GetValue<string>());
        Assert.Equal("new@example.com", listed["email"]!.GetValue<string>());
    }

    /// <summary>A new workspace takes an admin as its first member, so it never has members and no admin; then anyone.</summary>
    [Fact]
    public async Task ANewWorkspace_TakesAnAdminFirst()
    {
        var slug = $"org-{Guid.NewGuid():N}"[..20];
        await (await Client.PostAsync("/api/v1/orgs", Admin(), new { slug })).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync($"/api/v1/org/{slug}/workspaces", Admin(), new { slug = "lab" })).ExpectAsync(HttpStatusCode.OK);
        var members = $"/api/v1/org/{slug}/ws/lab/members";

        var refused = await Client.SendAsync(HttpMethod.Put, $"{members}/{Guid.NewGuid()}", Admin(), new { role = "viewer" }).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
        await Client.SendAsync(HttpMethod.Put, $"{members}/{Guid.NewGuid()}", Admin(), new { role = "admin" }).ExpectAsync(HttpStatusCode.OK);
        await Client.SendAsync(HttpMethod.Put, $"{members}/{Guid.NewGuid()}", Admin(), new { role = "viewer" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("first member as an admin", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["admin", "viewer"], (await (await Client.GetAsync(members, Admin())).ExpectAsync(HttpStatusCode.OK))["members"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()).Order());
    }

    /// <summary>
    /// Any request a member makes with their own token joins them, one refused for its scope too;
    /// the members list shows the joined by email first, then the others by id alone.
    /// </summary>
    [Fact]
    public async Task AMembersFirstRequest_JoinsThem_EvenARefusedOne()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var refused = await workspace.AddMemberAsync();
        var absent = await workspace.AddMemberAsync();
        var members = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";

        await Client.GetAsync(workspace.SessionsPath, refused.Token(Scopes.SessionsWrite)).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        var listed = (await (await Client.GetAsync(members, admin.Token())).ExpectAsync(HttpStatusCode.OK))["members"]!.AsArray()
            .Select(m => (m!["user"]!["id"]!.GetValue<string>(), m["user"]!["email"]?.GetValue<string>())).ToList();

        Assert.Equal(
            [.. new[] { (admin.Id.ToString(), admin.Email), (refused.Id.ToString(), refused.Email) }.OrderBy(m => m.Email, StringComparer.Ordinal), (absent.Id.ToString(), (string?)null)],
            listed);
    }

    /// <summary>
    /// A joined member whose tokens carry no email has none to be ordered by: they are listed with
    /// the members not joined yet, by id, on every database (each orders a missing value elsewhere).
    /// </summary>
    [Fact]
    public async Task AJoinedMemberWithoutAnEmail_IsListedAfterTheEmails_WithTheOthersById()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var members = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        var noEmail = Guid.NewGuid();
        var absent = Guid.NewGuid();
        foreach (var user in new[] { noEmail, absent })
        {
            await Client.SendAsync(HttpMethod.Put, $"{members}/{user}", admin.Token(), new { role = "member" }).ExpectAsync(HttpStatusCode.OK);
        }

        await Client.GetAsync(workspace.SessionsPath, TestTokens.Create(noEmail, [Scopes.SessionsRead], name: "No Email")).ExpectAsync(HttpStatusCode.OK);
        var listed = (await (await Client.GetAsync(members, admin.Token())).ExpectAsync(HttpStatusCode.OK))["members"]!.AsArray()
            .Select(m => (m!["user"]!["id"]!.GetValue<string>(), m["user"]!["full_name"]?.GetValue<string>())).ToList();

        Assert.Equal(
            [(admin.Id.ToString(), "Test Admin"), .. new[] { (noEmail.ToString(), (string?)"No Email"), (absent.ToString(), null) }.OrderBy(m => m.Item1, StringComparer.Ordinal)],
            listed);
    }

    /// <summary>Members from before the column kept showing their profiles: the migration takes them as joined when added.</summary>
    [Fact]
    public async Task MembersFromBeforeTheJoinedColumn_AreTakenAsJoined()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        async Task<string?> EmailAsync() =>
            (await (await client.GetAsync($"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members", admin.Token())).ExpectAsync(HttpStatusCode.OK))["members"]!.AsArray()
                .Single(m => m!["user"]!["id"]!.GetValue<string>() == member.Id.ToString())!["user"]!["email"]?.GetValue<string>();

        Assert.Null(await EmailAsync());

        await host.RunMigrationAgainAsync("_MemberJoinedAt");

        Assert.Equal(member.Email, await EmailAsync());
        Assert.Equal(
            await host.WithDbAsync(db => db.Memberships.Where(m => m.UserId == member.Id).Select(m => (DateTime?)m.CreatedAt).SingleAsync()),
            await host.WithDbAsync(db => db.Memberships.Where(m => m.UserId == member.Id).Select(m => m.JoinedAt).SingleAsync()));
    }

    [Fact]
    public async Task CreateOrganization_TakenSlug_Is409_BadSlug_Is422_WithoutAdminScope_Is403()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync(WorkspaceRole.Admin);

        await (await Client.PostAsync("/api/v1/orgs", Admin(), new { slug = workspace.Org })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");
        await (await Client.PostAsync("/api/v1/orgs", Admin(), new { slug = "Bad Slug" })).ExpectValidationErrorAsync("body", "slug");
        await (await Client.PostAsync("/api/v1/orgs", Admin(), new { slug = "trailing-newline\n" })).ExpectValidationErrorAsync("body", "slug");
        await (await Client.PostAsync($"/api/v1/org/{workspace.Org}/workspaces", Admin(), new { slug = "lab\n" })).ExpectValidationErrorAsync("body", "slug");
        await (await Client.PostAsync("/api/v1/orgs", member.Token(), new { slug = "fresh-org" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.PostAsync($"/api/v1/org/{workspace.Org}/workspaces", member.Token(), new { slug = "fresh-ws" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.PostAsync($"/api/v1/org/{workspace.Org}/workspaces", Admin(), new { slug = workspace.Workspace })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");
        await (await Client.PostAsync("/api/v1/org/no-such-org/workspaces", Admin(), new { slug = "x" })).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task WorkspaceAdmin_ManagesMembers_WithoutAdminScope()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        var shared = (await Client.CreateSessionAsync(workspace, admin, extra: new { visibility = "workspace" })).Id();
        await (await Client.GetAsync(workspace.SessionPath(shared), member.Token())).ExpectAsync(HttpStatusCode.OK);

        var demoted = await (await Client.SendAsync(HttpMethod.Put, $"{path}/{member.Id}", admin.Token(), new { role = "viewer" })).ExpectAsync(HttpStatusCode.OK);
        var removed = await Client.SendAsync(HttpMethod.Delete, $"{path}/{member.Id}", admin.Token());

        Assert.Equal("viewer", demoted["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await (await Client.GetAsync(workspace.SessionPath(shared), member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await Factory.WithDbAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == workspace.WorkspaceId && m.UserId == member.Id)));
        Assert.Equal(1, await Factory.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.AggregateId == workspace.WorkspaceId && o.Type == "MemberRemoved")));
    }

    [Fact]
    public async Task Members_PlainMemberIs403_NonMemberIs404()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync();
        var stranger = await (await TestWorkspace.CreateAsync(Factory)).AddMemberAsync(WorkspaceRole.Admin);
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";

        await (await Client.GetAsync(path, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.SendAsync(HttpMethod.Put, $"{path}/{stranger.Id}", member.Token(), new { role = "admin" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.GetAsync(path, stranger.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.SendAsync(HttpMethod.Put, $"{path}/{stranger.Id}", stranger.Token(), new { role = "admin" })).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.SendAsync(HttpMethod.Delete, $"{path}/{member.Id}", member.Token())).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.SendAsync(HttpMethod.Delete, $"{path}/{member.Id}", stranger.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await Factory.WithDbAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == workspace.WorkspaceId && m.UserId == member.Id)));
    }

    /// <summary>
    /// Users are shared by every tenant: adding one names them by id, and neither sets nor shows
    /// their profile. It shows in the workspace once they have used it with their own token, and
    /// hides again when they are removed and added anew, until they come back.
    /// </summary>
    [Fact]
    public async Task PutMember_KnownUser_ShowsTheProfileTheirTokensGave_OnlyOnceTheyHaveJoined()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var elsewhere = await (await TestWorkspace.CreateAsync(Factory)).AddMemberAsync();
        await Client.GetAsync(workspace.SessionsPath, admin.Token()).ExpectAsync(HttpStatusCode.OK);
        var members = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        async Task<JsonNode> PutAsync() =>
            (await (await Client.SendAsync(HttpMethod.Put, $"{members}/{elsewhere.Id}", admin.Token(), new { role = "member", email = "spoofed@evil.example", full_name = "Spoofed" }))
                .ExpectAsync(HttpStatusCode.OK))["user"]!;
        async Task<JsonNode> ListedAsync() =>
            (await (await Client.GetAsync(members, admin.Token())).ExpectAsync(HttpStatusCode.OK))["members"]!.AsArray().Single(m => m!["user"]!["id"]!.GetValue<string>() == elsewhere.Id.ToString())!["user"]!;
        static (string?, string?, string?) Profile(JsonNode chip) =>
            (chip["email"]?.GetValue<string>(), chip["full_name"]?.GetValue<string>(), chip["username"]?.GetValue<string>());

        Assert.Equal((null, null, null), Profile(await PutAsync()));
        Assert.Equal((null, null, null), Profile(await ListedAsync()));

        await Client.GetAsync(workspace.SessionsPath, elsewhere.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(elsewhere.Email, Profile(await ListedAsync()).Item1);
        Assert.Equal(elsewhere.Email, Profile(await PutAsync()).Item1);
        Assert.NotNull(Profile(await ListedAsync()).Item2);

        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, $"{members}/{elsewhere.Id}", admin.Token())).StatusCode);
        Assert.Equal((null, null, null), Profile(await PutAsync()));
    }

    [Fact]
    public async Task LastAdmin_CannotBeRemovedOrDemoted()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{admin.Id}";

        await (await Client.SendAsync(HttpMethod.Put, path, admin.Token(), new { role = "member" })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
        await (await Client.SendAsync(HttpMethod.Delete, path, admin.Token())).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
    }

    /// <summary>CONTRACT 4: a member's id in the path is a full UUID in any letter case, with hyphens; no other spelling.</summary>
    [Fact]
    public async Task MemberPath_TakesAUuidInAnyLetterCase_WithHyphensOnly()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        var user = Guid.NewGuid();

        var added = await (await Client.SendAsync(HttpMethod.Put, $"{path}/{user.ToString().ToUpperInvariant()}", admin.Token(), new { role = "member" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(user.ToString(), added["user"]!["id"]!.GetValue<string>());
        await (await Client.SendAsync(HttpMethod.Put, $"{path}/{user:B}", admin.Token(), new { role = "member" })).ExpectValidationErrorAsync("path", "user_id");
    }

    /// <summary>
    /// The nil UUID names no user, as it names no session: a member is not given that id, and a
    /// token whose subject it is authenticates no one, so nothing it could be given would be used;
    /// its 401 challenges as every 401 does (<c>WWW-Authenticate</c>).
    /// </summary>
    [Fact]
    public async Task TheNilUuid_IsNoMember_AndNoTokensSubject()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";

        var refused = await (await Client.SendAsync(HttpMethod.Put, $"{path}/{Guid.Empty}", admin.Token(), new { role = "viewer" })).ExpectValidationErrorAsync("path", "user_id");
        var nil = TestTokens.Create(Guid.Empty, TestUser.ReadWrite);
        var answer = await Client.GetAsync(workspace.SessionsPath, nil);
        var unauthenticated = await answer.ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        Assert.Equal("Bearer", answer.Headers.WwwAuthenticate.Single().Scheme);

        Assert.Equal("must not be the nil UUID", refused["msg"]!.GetValue<string>());
        Assert.Contains("not the nil UUID", unauthenticated["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var members = await (await Client.GetAsync(path, admin.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(members["members"]!.AsArray(), m => m!["user"]!["id"]!.GetValue<string>() == Guid.Empty.ToString());
    }

    [Fact]
    public async Task PutMember_MissingOrUnknownRole_Is422_UnknownMemberRemoval_Is404()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";

        await (await Client.SendAsync(HttpMethod.Put, $"{path}/{Guid.NewGuid()}", admin.Token(), new { })).ExpectValidationErrorAsync("body", "role");
        await (await Client.SendAsync(HttpMethod.Put, $"{path}/{Guid.NewGuid()}", admin.Token(), new { role = "owner" })).ExpectValidationErrorAsync("body", "role");
        await (await Client.SendAsync(HttpMethod.Put, $"{path}/not-a-uuid", admin.Token(), new { role = "member" })).ExpectValidationErrorAsync("path", "user_id");
        await (await Client.SendAsync(HttpMethod.Delete, $"{path}/{Guid.NewGuid():N}", admin.Token())).ExpectValidationErrorAsync("path", "user_id");
        await (await Client.SendAsync(HttpMethod.Delete, $"{path}/{Guid.NewGuid()}", admin.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");

        var neighbour = await TestWorkspace.CreateAsync(Factory, workspace.Org);
        var theirs = await neighbour.AddMemberAsync(WorkspaceRole.Admin);
        await (await Client.SendAsync(HttpMethod.Delete, $"{path}/{theirs.Id}", admin.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var stillTheirs = await Factory.WithDbAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == neighbour.WorkspaceId && m.UserId == theirs.Id && m.Role == WorkspaceRole.Admin));
        Assert.Equal(1, stillTheirs);
        await Client.GetAsync(neighbour.SessionsPath, theirs.Token()).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ConcurrentMembershipChanges_RunOneAfterAnother_IdenticalPutsAllSucceed_AndAnAdminAlwaysRemains()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var first = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var second = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        var newcomer = Guid.NewGuid();

        var puts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Client.SendAsync(HttpMethod.Put, $"{path}/{newcomer}", (i % 2 == 0 ? first : second).Token(), new { role = "member" })));
        var removals = await Task.WhenAll(
            Client.SendAsync(HttpMethod.Delete, $"{path}/{second.Id}", first.Token()),
            Client.SendAsync(HttpMethod.Delete, $"{path}/{first.Id}", second.Token()));

        Assert.All(puts, put => Assert.Equal(HttpStatusCode.OK, put.StatusCode));
        Assert.Equal(1, removals.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        var admins = await Factory.WithDbAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == workspace.WorkspaceId && m.Role == WorkspaceRole.Admin));
        Assert.Equal(1, admins);
    }

    /// <summary>
    /// Three admins each take another's admin role at once (A removes B, B demotes C, C removes A).
    /// Run one after another, in any order, two of the three succeed and one admin remains: one of
    /// the two that run after the first is made by the member it removed or demoted (404 or 403,
    /// ADR 0014); three successes would leave the workspace without an admin.
    /// </summary>
    [Fact]
    public async Task ThreeAdminsTakingEachOthersRoleAtOnce_TwoSucceed_AndOneAdminRemains()
    {
        for (var round = 0; round < 4; round++)
        {
            var workspace = await TestWorkspace.CreateAsync(Factory);
            var a = await workspace.AddMemberAsync(WorkspaceRole.Admin);
            var b = await workspace.AddMemberAsync(WorkspaceRole.Admin);
            var c = await workspace.AddMemberAsync(WorkspaceRole.Admin);
            var path = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";

            var answers = await Task.WhenAll(
                Client.SendAsync(HttpMethod.Delete, $"{path}/{b.Id}", a.Token()),
                Client.SendAsync(HttpMethod.Put, $"{path}/{c.Id}", b.Token(), new { role = "member" }),
                Client.SendAsync(HttpMethod.Delete, $"{path}/{a.Id}", c.Token()));

            Assert.Equal(2, answers.Count(r => r.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent));
            var refused = Assert.Single(answers, r => r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NoContent));
            Assert.Contains(refused.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
            var admins = await Factory.WithDbAsync(db => db.Memberships.CountAsync(m => m.WorkspaceId == workspace.WorkspaceId && m.Role == WorkspaceRole.Admin));
            Assert.Equal(1, admins);
        }
    }

    private string Admin() => _platformAdmin.Token(Scopes.Admin);
}
