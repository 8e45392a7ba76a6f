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

        // The test holds the writer gate until all 32 freezes wait at it, so they are concurrent
        // however fast each one is; each then waits longer than the one-second command timeout.
        var gate = Factory.Services.GetRequiredService<SqliteWriterGate>();
        var holdsGate = !Factory.Database.IsPostgres;
        var queuedBefore = gate.Queued;
        var held = holdsGate ? await gate.EnterAsync(CancellationToken.None) : null;

        var freezes = sessions.Select(id => Client.PostAsync(workspace.SessionPath(id) + "/freeze", owner.Token())).ToList();
        if (holdsGate)
        {
            var waitingSince = DateTime.UtcNow;
            while (gate.Queued - queuedBefore < 32)
            {
                Assert.True(DateTime.UtcNow - waitingSince < TimeSpan.FromSeconds(30), $"only {gate.Queued - queuedBefore} of 32 freezes reached the writer gate");
                await Task.Delay(10);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            held!.Dispose();
        }

        var answers = await Task.WhenAll(freezes);

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        var frozen = await Factory.WithDbAsync(db => Task.FromResult(db.Sessions.Count(s => sessions.Contains(s.Id) && s.FrozenAt != null)));
        Assert.Equal(32, frozen);
    }

    [Fact]
    public async Task AUserRowWrittenOnAFirstRequest_WaitsForTheWriterTurn_NotInSqlitesBusyRetry()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var member = await workspace.AddMemberAsync();
        var renamed = TestTokens.Create(member.Id, TestUser.ReadWrite, member.Email, name: "Renamed Member");

        // A writer of this process is in its turn (the test holds the gate and SQLite's write
        // lock) while the member's token brings a new name, which the request writes to their row
        // before it answers; the writer keeps the lock longer than the one-second command timeout.
        var gate = Factory.Services.GetRequiredService<SqliteWriterGate>();
        var holdsGate = !Factory.Database.IsPostgres;
        var queuedBefore = gate.Queued;
        var held = holdsGate ? await gate.EnterAsync(CancellationToken.None) : null;
        await using var writer = await Factory.Database.OpenOutsideThePoolAsync();
        await using var lockForWriting = writer.CreateCommand();
        lockForWriting.CommandText = holdsGate ? "BEGIN IMMEDIATE" : "SELECT 1";
        await lockForWriting.ExecuteNonQueryAsync();

        var request = Client.GetAsync(workspace.SessionsPath, renamed);
        if (holdsGate)
        {
            var waitingSince = DateTime.UtcNow;
            while (gate.Queued == queuedBefore)
            {
                Assert.True(DateTime.UtcNow - waitingSince < TimeSpan.FromSeconds(30), "the user row's write did not wait for the writer gate");
                await Task.Delay(10);
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            lockForWriting.CommandText = "COMMIT";
            await lockForWriting.ExecuteNonQueryAsync();
            held!.Dispose();
        }

        await (await request).ExpectAsync(HttpStatusCode.OK);
        var name = await Factory.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Id == member.Id).FullName));
        Assert.Equal("Renamed Member", name);
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
