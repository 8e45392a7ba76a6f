using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>Runs alone: it measures the process's live memory, which other tests running at the same time would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "memory";
}

[Collection(MemoryCollection.Name)]
public sealed class TrajectoryMemoryTests : IClassFixture<ApiFactory>
{
    private const int Batches = 4;
    private const int MessagesPerBatch = 500;
    private const int ContentChars = 20_000;

    private readonly ApiFactory _factory;
    private readonly HttpClient _client;

    public TrajectoryMemoryTests(ApiFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    /// <summary>
    /// With <paramref name="oneCallsResults"/>, every message after the first answers the first's
    /// one tool call: an ATIF export folds them all into one agent step, still written as read.
    /// </summary>
    [Theory]
    [InlineData("atif", false)]
    [InlineData("atif", true)]
    [InlineData("openai", false)]
    [InlineData("native", false)]
    public async Task ExportingA40MegabyteTranscript_KeepsLiveMemoryFarBelowItsSize(string format, bool oneCallsResults)
    {
        var workspace = await TestWorkspace.CreateAsync(_factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await _client.CreateSessionAsync(workspace, owner)).Id();
        for (var batch = 0; batch < Batches; batch++)
        {
            var messages = Enumerable.Range(0, MessagesPerBatch).Select(i => (batch, i, oneCallsResults) switch
            {
                (0, 0, true) => new { role = "assistant", content = "calling", tool_call_id = (string?)null, tool_calls = (object[]?)[new { id = "call", name = "read", arguments = new { } }] },
                (_, _, true) => new { role = "tool", content = new string((char)('a' + (i % 26)), ContentChars), tool_call_id = (string?)"call", tool_calls = (object[]?)null },
                _ => new { role = i % 2 == 0 ? "user" : "assistant", content = new string((char)('a' + (i % 26)), ContentChars), tool_call_id = (string?)null, tool_calls = (object[]?)null },
            });
            await (await _client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);
        }

        var transcriptBytes = (long)Batches * MessagesPerBatch * ContentChars;
        var (read, growth) = await LiveMemory.WhileReadingAsync(_client, $"{workspace.SessionPath(session)}/trajectory?format={format}", owner);

        Assert.True(read > transcriptBytes, $"the export has {read} bytes for a transcript of {transcriptBytes}");
        Assert.True(growth < transcriptBytes / 4, $"live memory grew by {growth / 1_048_576} MiB while exporting {transcriptBytes / 1_048_576} MiB");
    }
}
