using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>Two instances of the service on one database, as behind a load balancer.</summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public ApiFactory First { get; } = new();

    public ApiFactory Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await First.InitializeAsync();
        Second = ApiFactory.On(First.Database);
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}

public sealed class MultipleInstancesTests(TwoInstances hosts) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task ConcurrentFreezesThroughTwoInstances_AllAnswer200AndStoreOneEvent()
    {
        var workspace = await TestWorkspace.CreateAsync(hosts.First);
        var owner = await workspace.AddMemberAsync();
        var session = (await hosts.First.CreateClient().CreateSessionAsync(workspace, owner)).Id();
        var token = owner.Token();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? hosts.First : hosts.Second).CreateClient().PostAsync(workspace.SessionPath(session) + "/freeze", token)));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync(HttpStatusCode.OK)));

        Assert.Single(bodies.Select(b => b["frozen_at"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, await hosts.First.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.AggregateId == session && o.Type == "SessionFrozen")));
    }

    [Fact]
    public async Task AnAdminRemovedThroughOneInstance_CannotRestoreThemselvesThroughAnotherThatStillRemembersThem()
    {
        var workspace = await TestWorkspace.CreateAsync(hosts.First);
        var remover = await workspace.AddMemberAsync(Domain.Organizations.WorkspaceRole.Admin);
        var removed = await workspace.AddMemberAsync(Domain.Organizations.WorkspaceRole.Admin);
        var members = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        using var second = hosts.Second.CreateClient();

        // The second instance authorizes the admin once, and keeps that answer for a while.
        await second.GetAsync(members, removed.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await hosts.First.CreateClient().SendAsync(HttpMethod.Delete, $"{members}/{removed.Id}", remover.Token())).StatusCode);

        var restore = await second.SendAsync(HttpMethod.Put, $"{members}/{removed.Id}", removed.Token(), new { role = "admin" });
        var demote = await second.SendAsync(HttpMethod.Put, $"{members}/{remover.Id}", removed.Token(), new { role = "viewer" });

        await restore.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await demote.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var left = await hosts.First.WithDbAsync(db => db.Memberships.Where(m => m.WorkspaceId == workspace.WorkspaceId).ToListAsync());
        Assert.Equal([(remover.Id, Domain.Organizations.WorkspaceRole.Admin)], left.Select(m => (m.UserId, m.Role)));
    }

    [Fact]
    public async Task ConcurrentAppendsThroughTwoInstances_NumberEveryMessageOnce()
    {
        var workspace = await TestWorkspace.CreateAsync(hosts.First);
        var owner = await workspace.AddMemberAsync();
        var session = (await hosts.Second.CreateClient().CreateSessionAsync(workspace, owner)).Id();
        var token = owner.Token();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(client => Task.Run(async () =>
        {
            using var http = (client % 2 == 0 ? hosts.First : hosts.Second).CreateClient();
            for (var batch = 0; batch < 20; batch++)
            {
                var messages = new[] { new { role = "user", content = $"c{client}b{batch}" }, new { role = "assistant", content = "ok" } };
                await (await http.PostAsync(workspace.SessionPath(session) + "/transcript", token, new { messages })).ExpectAsync(HttpStatusCode.OK);
            }
        })));

        var all = await hosts.First.CreateClient().AllMessagesAsync(workspace, owner, session);
        Assert.Equal(Enumerable.Range(1, 240).Select(i => (long)i), all.Select(m => m["seq"]!.GetValue<long>()));
        await hosts.Second.CreateClient().AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    /// <summary>
    /// Instances starting together on a PostgreSQL database that does not exist yet: each finds it
    /// missing, one creates it, and the others, refused as duplicates, start on it too.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task InstancesStartingTogether_OnADatabaseNotYetCreated_AllStart()
    {
        await using var database = TestDatabase.Create();
        var instances = Enumerable.Range(0, 4).Select(_ => ApiFactory.On(database)).ToList();
        try
        {
            await Task.WhenAll(instances.Select(instance => Task.Run(instance.InitializeAsync)));
            foreach (var instance in instances)
            {
                await (await instance.CreateClient().GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK);
            }
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
