using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>
/// A rewind past a compaction's summary undoes that compaction (ADR 0042); rewinds before that
/// rule left the messages compacted with no summary, out of the current era for good. The
/// migration that repairs them makes such a session answer what the same history written now
/// answers (CONTRACT 5.3, 6), and leaves every compaction whose summary is there as it is.
/// </summary>
public sealed class RewindRepairTests
{
    [Fact]
    public async Task TheRepair_MakesTheMessagesOfARemovedSummaryCurrent_AndKeepsEveryOtherCompaction()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var rewound = (await client.CreateSessionAsync(workspace, owner)).Id();
        var compacted = (await client.CreateSessionAsync(workspace, owner)).Id();
        foreach (var session in new[] { rewound, compacted })
        {
            await client.AppendAsync(workspace, owner, session,
                new { role = "user", content = "u1" },
                new { role = "assistant", content = "a1", usage = new { input_tokens = 10, output_tokens = 1, cost_usd = 0.1 } },
                new { role = "user", content = "u2" },
                new { role = "assistant", content = "a2" });
            await (await client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s" }, up_to_seq = 2 })).ExpectAsync(HttpStatusCode.OK);
        }

        await (await client.PostAsync(workspace.SessionPath(rewound) + "/rewind", owner.Token(), new { from_seq = 3 })).ExpectAsync(HttpStatusCode.OK);
        var written = await client.GetAsync(workspace.SessionPath(rewound), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var compactedBefore = await client.GetAsync(workspace.SessionPath(compacted), owner.Token()).ExpectAsync(HttpStatusCode.OK);

        // What a rewind of an earlier version left: the messages compacted at an instant no message
        // carries any more, and none of their usage current.
        await host.WithDbAsync(async db =>
        {
            await db.Messages.Where(m => m.SessionId == rewound).ExecuteUpdateAsync(set => set.SetProperty(m => m.CompactedAt, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            await db.Sessions.Where(s => s.Id == rewound).ExecuteUpdateAsync(set => set
                .SetProperty(s => s.CurrentUsage.MessageCount, 0L)
                .SetProperty(s => s.CurrentUsage.InputTokens, 0L)
                .SetProperty(s => s.CurrentUsage.OutputTokens, 0L)
                .SetProperty(s => s.CurrentUsage.CostUsd, 0m));
        });
        var leftResponse = await client.GetAsync(workspace.SessionPath(rewound), owner.Token());
        var left = await leftResponse.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, left["usage"]!["current_message_count"]!.GetValue<int>());

        await host.RunMigrationAgainAsync("_RewoundCompactionsUndone");

        var repairedResponse = await client.GetAsync(workspace.SessionPath(rewound), owner.Token());
        var repaired = await repairedResponse.ExpectAsync(HttpStatusCode.OK);
        var compactedAfter = await client.GetAsync(workspace.SessionPath(compacted), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(written["usage"]!.ToJsonString(), repaired["usage"]!.ToJsonString());
        Assert.Equal((2, 10, 0.1m), (repaired["usage"]!["current_message_count"]!.GetValue<int>(), repaired["usage"]!["current_input_tokens"]!.GetValue<int>(), repaired["usage"]!["current_cost_usd"]!.GetValue<decimal>()));
        Assert.NotEqual(leftResponse.Headers.ETag, repairedResponse.Headers.ETag);
        Assert.Equal(["u1", "a1"], (await client.AllMessagesAsync(workspace, owner, rewound)).Select(m => m["content"]!.GetValue<string>()));
        Assert.Equal(compactedBefore.ToJsonString(), compactedAfter.ToJsonString());
        Assert.Equal(2, await host.WithDbAsync(db => db.Messages.CountAsync(m => m.SessionId == compacted && m.CompactedAt != null)));
        await client.AssertUsageMatchesTranscriptAsync(workspace, owner, rewound);
    }
}
