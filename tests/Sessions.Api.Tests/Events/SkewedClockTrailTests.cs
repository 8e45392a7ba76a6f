using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Api.Tests.Usage;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Events;

/// <summary>
/// Instances whose clocks disagree, or a clock stepped back: an event carries the life of the id it
/// is of, so a trail is its session's whatever the times it was stamped with (ADR 0044). Each test
/// sets the service's clock as an instance running behind would.
/// </summary>
public sealed class SkewedClockTrailTests(ClockedApiFactory factory) : ApiTest<ClockedApiFactory>(factory), IClassFixture<ClockedApiFactory>
{
    private static readonly string[] OneLife = ["SessionCreated", "SessionShared", "TranscriptAppended", "SessionFrozen"];

    /// <summary>
    /// Frozen, then deleted, each by an instance whose clock is behind the one that created the
    /// session: the freeze stays in the living session's trail and its export, and in the trail its
    /// workspace's admins read after the deletion.
    /// </summary>
    [Fact]
    public async Task AFreezeStampedBeforeTheCreation_StaysInTheTrail_BeforeAndAfterTheDeletion()
    {
        var now = DateTime.UtcNow;
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        Factory.Clock.Set(now);
        var id = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        await Client.AppendAsync(workspace, owner, id, new { role = "user", content = "evidence" });
        Factory.Clock.Set(now.AddMinutes(-1));
        await Client.PostAsync($"{workspace.SessionPath(id)}/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var living = Types(await Client.TrailAsync(workspace, owner, id));
        var exported = await Client.GetAsync($"{workspace.SessionPath(id)}/trajectory?format=native", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Factory.Clock.Set(now.AddMinutes(-2));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(id), owner.Token())).StatusCode);
        var deleted = Types(await Client.TrailAsync(workspace, admin, id));

        Assert.Equal(OneLife.Order(), living.Order());
        Assert.Equal(OneLife.Order(), exported["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).Order());
        Assert.Equal(OneLife.Append("SessionDeleted").Order(), deleted.Order());
    }

    /// <summary>
    /// An id deleted from one workspace and taken at once in another organization by an instance
    /// whose clock is behind: neither workspace's trail shows the other's events, or its members.
    /// </summary>
    [Fact]
    public async Task AnIdTakenElsewhereByAnInstanceBehind_ShowsNeitherWorkspaceTheOthersEvents()
    {
        var now = DateTime.UtcNow;
        var first = await TestWorkspace.CreateAsync(Factory);
        var second = await TestWorkspace.CreateAsync(Factory);
        var firstOwner = await first.AddMemberAsync();
        var firstAdmin = await first.AddMemberAsync(WorkspaceRole.Admin);
        var secondOwner = await second.AddMemberAsync();
        var id = Guid.NewGuid();
        // Each step a millisecond after the one before on its instance's clock, so that each trail has one order.
        Factory.Clock.Set(now);
        await Client.CreateSessionAsync(first, firstOwner, id, new { visibility = "workspace" });
        Factory.Clock.Set(now.AddMilliseconds(1));
        await Client.AppendAsync(first, firstOwner, id, new { role = "user", content = "first" });
        Factory.Clock.Set(now.AddMilliseconds(2));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(HttpMethod.Delete, first.SessionPath(id), firstOwner.Token())).StatusCode);
        Factory.Clock.Set(now.AddSeconds(-30));
        await Client.CreateSessionAsync(second, secondOwner, id);
        Factory.Clock.Set(now.AddSeconds(-30).AddMilliseconds(1));
        await Client.AppendAsync(second, secondOwner, id, new { role = "user", content = "second" });

        var secondTrail = await Client.TrailAsync(second, secondOwner, id);
        var firstTrail = await Client.TrailAsync(first, firstAdmin, id);

        Assert.Equal(["SessionCreated", "TranscriptAppended"], Types(secondTrail));
        Assert.All(secondTrail, e => Assert.Equal(secondOwner.Id.ToString(), e["actor"]!["id"]!.GetValue<string>()));
        Assert.Equal(["SessionCreated", "SessionShared", "TranscriptAppended", "SessionDeleted"], Types(firstTrail));
        Assert.All(firstTrail, e => Assert.Equal(firstOwner.Id.ToString(), e["actor"]!["id"]!.GetValue<string>()));
    }

    private static string[] Types(IEnumerable<JsonObject> trail) => [.. trail.Select(e => e["type"]!.GetValue<string>())];
}
