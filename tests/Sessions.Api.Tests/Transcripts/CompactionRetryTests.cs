using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>
/// A compaction is retried by sending it again with its summary's id (CONTRACT 5.3: a retry is
/// harmless). Only the summary that compaction appended makes a retry; an id the transcript holds
/// for any other message is a compaction that did not happen, and a 2xx would say it did.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class CompactionRetryTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task ASummaryIdThatNamesAnOrdinaryMessage_IsRefused409_AndCompactsNothing()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var taken = Guid.NewGuid();
        await Client.AppendAsync(workspace, owner, session, new { id = taken, role = "user", content = "q" }, new { role = "assistant", content = "a" });

        var refused = await (await Compact(workspace, owner, session, taken, 2)).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");

        Assert.Contains("message seq 1", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await EventCountAsync(session, "TranscriptCompacted"));
        Assert.All(await Client.AllMessagesAsync(workspace, owner, session), m => Assert.Null(m["compacted_at"]));
    }

    [Fact]
    public async Task TheSummaryOfACompactionUpToAnotherSeq_IsNoRetryOfThisOne()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "q" }, new { role = "assistant", content = "a" });
        var summary = Guid.NewGuid();
        await (await Compact(workspace, owner, session, summary, 1)).ExpectAsync(HttpStatusCode.OK);

        var refused = await (await Compact(workspace, owner, session, summary, 2)).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");
        var retried = await (await Compact(workspace, owner, session, summary, 1)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("up to seq 1", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((3, 2), (retried["usage"]!["total_message_count"]!.GetValue<int>(), retried["usage"]!["current_message_count"]!.GetValue<int>()));
        Assert.Equal(1, await EventCountAsync(session, "TranscriptCompacted"));
    }

    /// <summary>CONTRACT 5.1: a frozen session's compaction answers 409 <c>session_frozen</c>, unless it is the retry of one that happened.</summary>
    [Fact]
    public async Task OnAFrozenSession_ASummaryIdThatNamesAnOrdinaryMessage_IsRefusedAsFrozen()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var taken = Guid.NewGuid();
        await Client.AppendAsync(workspace, owner, session, new { id = taken, role = "user", content = "q" });
        await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        await (await Compact(workspace, owner, session, taken, 1)).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");
    }

    /// <summary>
    /// Summaries appended before the mark was kept are marked by the migration from the events
    /// their compactions raised, and only those: a later life of the session id, whose ordinary
    /// message sits at the seq an earlier life's summary had, is not taken for it.
    /// </summary>
    [Fact]
    public async Task TheMigration_MarksTheSummariesStoredBeforeIt_OfTheirLifeOnly()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var kept = (await client.CreateSessionAsync(workspace, owner)).Id();
        await client.AppendAsync(workspace, owner, kept, new { role = "user", content = "q" }, new { role = "assistant", content = "a" });
        var summary = Guid.NewGuid();
        await (await client.PostAsync(workspace.SessionPath(kept) + "/transcript/compact", owner.Token(), CompactBody(summary, 2))).ExpectAsync(HttpStatusCode.OK);

        var reborn = (await client.CreateSessionAsync(workspace, owner)).Id();
        await client.AppendAsync(workspace, owner, reborn, new { role = "user", content = "q" });
        await (await client.PostAsync(workspace.SessionPath(reborn) + "/transcript/compact", owner.Token(), CompactBody(Guid.NewGuid(), 1))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, workspace.SessionPath(reborn), owner.Token())).StatusCode);
        await client.CreateSessionAsync(workspace, owner, reborn);
        var atTheOldSummarysSeq = Guid.NewGuid();
        await client.AppendAsync(workspace, owner, reborn, new { role = "user", content = "q" }, new { id = atTheOldSummarysSeq, role = "assistant", content = "a" });

        await host.RunMigrationAgainAsync("_CompactionSummaryMark");

        await (await client.PostAsync(workspace.SessionPath(kept) + "/transcript/compact", owner.Token(), CompactBody(summary, 2))).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostAsync(workspace.SessionPath(reborn) + "/transcript/compact", owner.Token(), CompactBody(atTheOldSummarysSeq, 1)))
            .ExpectEnvelopeAsync(HttpStatusCode.Conflict, "already_exists");
        Assert.Equal(1, await host.WithDbAsync(db => db.Messages.CountAsync(m => m.SessionId == kept && m.SummaryUpToSeq == 2)));
        Assert.Equal(0, await host.WithDbAsync(db => db.Messages.CountAsync(m => m.SessionId == reborn && m.SummaryUpToSeq != null)));
    }

    private Task<HttpResponseMessage> Compact(TestWorkspace workspace, TestUser owner, Guid session, Guid summaryId, int upToSeq) =>
        Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), CompactBody(summaryId, upToSeq));

    private static object CompactBody(Guid summaryId, int upToSeq) =>
        new { summary = new { id = summaryId, role = "system", content = "summary" }, up_to_seq = upToSeq };
}
