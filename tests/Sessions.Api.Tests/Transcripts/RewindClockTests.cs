using System.Net;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Api.Tests.Usage;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>A rewind's link from compacted messages to their summary, when clocks give later messages the summary's instant.</summary>
public sealed class RewindClockTests(ClockedApiFactory factory) : ApiTest<ClockedApiFactory>(factory), IClassFixture<ClockedApiFactory>
{
    /// <summary>
    /// A compaction stamps what it compacts with its summary's instant. A message written later at
    /// that same instant (a clock that stood still or stepped back) is not taken for the summary:
    /// rewound away, it leaves the compaction, whose summary stays, as it was.
    /// </summary>
    [Fact]
    public async Task ALaterMessageAtTheSummarysInstant_DoesNotUndoTheCompaction()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        Factory.Clock.Set(DateTime.UtcNow.AddMinutes(-10));
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "u1" }, new { role = "assistant", content = "a1", usage = new { input_tokens = 10, output_tokens = 1 } });
        Factory.Clock.Set(DateTime.UtcNow.AddMinutes(-5));
        await (await Client.PostAsync(path + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s" }, up_to_seq = 2 })).ExpectAsync(HttpStatusCode.OK);
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "u2" }, new { role = "assistant", content = "a2" });

        await (await Client.PostAsync(path + "/rewind", owner.Token(), new { from_seq = 4 })).ExpectAsync(HttpStatusCode.OK);

        var current = (await (await Client.GetAsync(path + "/transcript", owner.Token())).ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();
        Assert.Equal(["s"], current.Select(m => m!["content"]!.GetValue<string>()));
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }
}
