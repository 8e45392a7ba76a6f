using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Performance;

/// <summary>A host whose database commands give up after one second, so a writer left sleeping in SQLite's busy-retry loop would fail.</summary>
public sealed class ImpatientApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Database:CommandTimeoutSeconds"] = "1" };
}

public sealed class WriterPathTests(ImpatientApiFactory factory) : ApiTest<ImpatientApiFactory>(factory), IClassFixture<ImpatientApiFactory>
{
    [Fact]
    public async Task ThirtyTwoConcurrentCommittingFreezes_AllAnswer200_QueuedInTheProcessNotInTheDatabase()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var sessions = new List<Guid>();
        for (var i = 0; i < 32; i++)
        {
            sessions.Add((await Client.CreateSessionAsync(workspace, owner)).Id());
        }

        foreach (var id in sessions)
        {
            await (await Client.GetAsync(workspace.SessionPath(id), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        }

        var gate = Factory.Services.GetRequiredService<SqliteWriterGate>();
        var queuedBefore = gate.Queued;

        var answers = await Task.WhenAll(sessions.Select(id => Client.PostAsync(workspace.SessionPath(id) + "/freeze", owner.Token())));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        var frozen = await Factory.WithDbAsync(db => Task.FromResult(db.Sessions.Count(s => sessions.Contains(s.Id) && s.FrozenAt != null)));
        Assert.Equal(32, frozen);
        if (!Factory.Database.IsPostgres)
        {
            Assert.True(gate.Queued > queuedBefore, "the freezes were not concurrent enough to queue at the writer gate");
        }
    }

    [Fact]
    public async Task RemovingAMember_TakesEffectOnTheirNextRequest_OnThisInstance()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        await (await Client.GetAsync(workspace.SessionsPath, member.Token())).ExpectAsync(HttpStatusCode.OK);

        var removed = await Client.SendAsync(HttpMethod.Delete, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{member.Id}", admin.Token());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        await (await Client.GetAsync(workspace.SessionsPath, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task DemotingAMember_TakesEffectOnTheirNextRequest_OnThisInstance()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        await Client.CreateSessionAsync(workspace, member);

        await (await Client.SendAsync(HttpMethod.Put, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{member.Id}", admin.Token(), new { role = "viewer" })).ExpectAsync(HttpStatusCode.OK);

        await (await Client.PostAsync(workspace.SessionsPath, member.Token(), new { id = Guid.NewGuid(), model = "m" })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }
}
