using System.Net;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Api.Tests.Transcripts;

namespace Sessions.Api.Tests.Usage;

/// <summary>
/// An answer built of two statements whose parts must agree reads one snapshot of the database: a
/// change committed between the two (here: an append, made just before the second runs) shows in
/// neither or in both. CONTRACT §5.8: usage totals equal the buckets' sessions' sums; §5.3: a
/// search's <c>total</c> is the full match count of the matches it pages.
/// </summary>
public sealed class OneSnapshotTests(ReadHookApiFactory factory) : IClassFixture<ReadHookApiFactory>
{
    private static readonly object Message = new { role = "assistant", content = "a needle", usage = new { input_tokens = 3, output_tokens = 1, cost_usd = 0.5 } };

    /// <summary>
    /// Day and label totals are a statement of their own (a session counts once, whatever its days
    /// or values), read from the sessions or, within a window, the day rows; the append lands
    /// before it, after <paramref name="pass"/> reads of its table.
    /// </summary>
    [Theory]
    [InlineData("group_by=day", "sessions", 0)]
    [InlineData("group_by=day&from=2000-01-01T00:00:00Z", "session_usage_days", 1)]
    [InlineData("group_by=label:team", "sessions", 1)]
    [InlineData("group_by=label:team&from=2000-01-01T00:00:00Z", "session_usage_days", 1)]
    [InlineData("group_by=day&model=m", "sessions", 1)]
    public async Task UsageTotals_AgreeWithTheirBuckets_WhenAnAppendLandsBetweenThem(string query, string table, int pass)
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner, extra: new { model = "m", labels = new { team = new[] { "red" } } })).Id();
        await client.AppendAsync(workspace, owner, session, Message);
        var appended = false;
        factory.Hook.Arm(table, workspace.WorkspaceId, async () => { await client.AppendAsync(workspace, owner, session, Message); appended = true; }, pass);

        var usage = await client.GetAsync($"{workspace.SessionsPath}/usage?{query}", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.True(appended);

        var bucket = Assert.Single(usage["buckets"]!.AsArray())!;
        Assert.Equal(bucket["message_count"]!.GetValue<long>(), usage["totals"]!["message_count"]!.GetValue<long>());
        Assert.Equal(bucket["input_tokens"]!.GetValue<long>(), usage["totals"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(bucket["cost_usd"]!.GetValue<decimal>(), usage["totals"]!["cost_usd"]!.GetValue<decimal>());
        Assert.Equal(2, (await client.GetAsync($"{workspace.SessionsPath}/usage?{query}", owner.Token()).ExpectAsync(HttpStatusCode.OK))["totals"]!["message_count"]!.GetValue<long>());
    }

    /// <summary>A full page of a message search and its count (a statement of its own) read one snapshot: an append between them is in neither.</summary>
    [Fact]
    public async Task SearchTotal_CountsTheMatchesItPages_WhenAnAppendLandsBetweenThem()
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();
        await client.AppendAsync(workspace, owner, session, Message, Message);
        var appended = false;
        factory.Hook.Arm("session_messages", session, async () => { await client.AppendAsync(workspace, owner, session, Message); appended = true; }, pass: 1);

        var found = await client.GetAsync(workspace.SessionPath(session) + "/messages/search?q=needle&limit=1", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.True(appended);

        Assert.Equal((1, 2L, true), (found["matches"]!.AsArray().Count, found["total"]!.GetValue<long>(), found["has_more"]!.GetValue<bool>()));
        Assert.Equal(3, (await client.GetAsync(workspace.SessionPath(session) + "/messages/search?q=needle", owner.Token()).ExpectAsync(HttpStatusCode.OK))["total"]!.GetValue<long>());
    }
}
