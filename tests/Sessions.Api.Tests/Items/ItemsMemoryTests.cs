using System.Net;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Api.Tests.Transcripts;

namespace Sessions.Api.Tests.Items;

[Collection(MemoryCollection.Name)]
public sealed class ItemsMemoryTests : IClassFixture<ApiFactory>
{
    private const int Items = 160;
    private const int DataChars = 250_000;

    private readonly ApiFactory _factory;
    private readonly HttpClient _client;

    public ItemsMemoryTests(ApiFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    /// <summary>
    /// A listing is written while its items are read, a page at a time: 160 items of a quarter of
    /// a megabyte each (40 MB) listed at once grow live memory by less than a third of them (a
    /// listing held whole grew it by about their size, and more at peaks the sampling misses: the
    /// text, then its parsed form). A page lets go of its items as they are written: 1-7 MiB of
    /// growth on a busy machine, where a page kept while the next was read grew it by up to 12.
    /// </summary>
    [Fact]
    public async Task ListingFortyMegabytesOfItems_KeepsLiveMemoryBelowAThirdOfTheirSize()
    {
        var workspace = await TestWorkspace.CreateAsync(_factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await _client.CreateSessionAsync(workspace, owner)).Id();
        for (var i = 0; i < Items; i++)
        {
            var data = new { text = new string((char)('a' + (i % 26)), DataChars) };
            await (await _client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), new { item_type = "file", data })).ExpectAsync(HttpStatusCode.Created);
        }

        const long itemsBytes = (long)Items * DataChars;
        var (read, growth) = await LiveMemory.WhileReadingAsync(_client, $"{workspace.SessionPath(session)}/items?limit=500", owner);

        Assert.True(read > itemsBytes, $"the listing has {read} bytes for items of {itemsBytes}");
        Assert.True(growth < itemsBytes / 3, $"live memory grew by {growth / 1_048_576} MiB while listing {itemsBytes / 1_048_576} MiB of items");
    }
}
