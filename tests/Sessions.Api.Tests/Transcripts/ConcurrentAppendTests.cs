using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

[Collection(SharedApiCollection.Name)]
public sealed class ConcurrentAppendTests(ApiFactory factory)
{
    private const int Clients = 8;
    private const int BatchesPerClient = 50;
    private const int BatchSize = 3;

    [Fact]
    public async Task EightClientsAppendingFiftyBatchesEach_StoreEveryMessageWithSeqOneToNWithoutGaps()
    {
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await factory.CreateClient().CreateSessionAsync(workspace, owner)).Id();
        var token = owner.Token();

        var batches = await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var http = factory.CreateClient();
            var seqs = new List<List<long>>();
            for (var batch = 0; batch < BatchesPerClient; batch++)
            {
                var messages = Enumerable.Range(0, BatchSize).Select(i => new { role = "user", content = $"c{client}-b{batch}-m{i}", usage = new { input_tokens = 1, output_tokens = 2, cost_usd = 0.001m } });
                var response = await http.PostAsync(workspace.SessionPath(session) + "/transcript", token, new { messages });
                var stored = (await response.ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();
                seqs.Add([.. stored.Select(m => m!["seq"]!.GetValue<long>())]);
            }

            return seqs;
        })));

        const int total = Clients * BatchesPerClient * BatchSize;
        var all = await factory.CreateClient().AllMessagesAsync(workspace, owner, session);
        Assert.Equal(total, all.Count);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), all.Select(m => m["seq"]!.GetValue<long>()));
        Assert.Equal(total, all.Select(m => m["content"]!.GetValue<string>()).Distinct().Count());
        Assert.All(batches.SelectMany(b => b), seqs => Assert.Equal(Enumerable.Range((int)seqs[0], BatchSize).Select(i => (long)i), seqs));
        var usage = await factory.CreateClient().AssertUsageMatchesTranscriptAsync(workspace, owner, session);
        Assert.Equal(total, usage["total_input_tokens"]!.GetValue<int>());
        Assert.Equal(1.2m, usage["total_cost_usd"]!.GetValue<decimal>());
    }
}
