using System.Globalization;
using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

[Collection(SharedApiCollection.Name)]
public sealed class TranscriptInputTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task Append_NoMessagesOrMoreThan500_Is422AtMessages()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        await Append(workspace, owner, session, new { messages = Array.Empty<object>() }).ExpectValidationErrorAsync("body", "messages");
        await Append(workspace, owner, session, new { messages = Enumerable.Range(0, 501).Select(_ => new { role = "user" }) }).ExpectValidationErrorAsync("body", "messages");
        await Append(workspace, owner, session, new { }).ExpectValidationErrorAsync("body", "messages");
        Assert.Equal(500, (await Client.AppendAsync(workspace, owner, session, [.. Enumerable.Range(0, 500).Select(_ => (object)new { role = "user" })])).Count);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user"}, {"role": "robot"}]}""", new object[] { "body", "messages", 1, "role" }, "enum")]
    [InlineData("""{"messages": [{"content": "no role"}]}""", new object[] { "body", "messages", 0, "role" }, "missing")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"input_tokens": -1}}]}""", new object[] { "body", "messages", 0, "usage", "input_tokens" }, "greater_than_equal")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"output_tokens": 1.5}}]}""", new object[] { "body", "messages", 0, "usage", "output_tokens" }, "int_parsing")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": -0.1}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "greater_than_equal")]
    [InlineData("""{"messages": [{"role": "assistant", "tool_calls": "call f"}]}""", new object[] { "body", "messages", 0, "tool_calls" }, "list_type")]
    [InlineData("""{"messages": [{"role": "assistant", "tool_calls": [{"name": "f"}]}]}""", new object[] { "body", "messages", 0, "tool_calls", 0, "id" }, "missing")]
    [InlineData("""{"messages": [{"role": "assistant", "tool_calls": [{"id": "a", "name": 7}]}]}""", new object[] { "body", "messages", 0, "tool_calls", 0, "name" }, "string_type")]
    [InlineData("""{"messages": [{"role": "assistant", "tool_calls": ["f"]}]}""", new object[] { "body", "messages", 0, "tool_calls", 0 }, "model_type")]
    [InlineData("""{"messages": [{"role": "user", "metadata": [1]}]}""", new object[] { "body", "messages", 0, "metadata" }, "dict_type")]
    [InlineData("""{"messages": [{"role": "user", "id": "m-1"}]}""", new object[] { "body", "messages", 0, "id" }, "uuid_parsing")]
    [InlineData("""{"context": {"agent": "a"}, "messages": [{"role": "user"}]}""", new object[] { "body", "context", "model" }, "missing")]
    [InlineData("""{"messages": [{"role": "user"}, null]}""", new object[] { "body", "messages", 1 }, "model_type")]
    [InlineData("""{"messages": [{"role": "assistant", "tool_calls": [null]}]}""", new object[] { "body", "messages", 0, "tool_calls", 0 }, "model_type")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": 0.00000000001}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "decimal_max_places")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": 10000000000}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "less_than_equal")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": 1e-29}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "decimal_max_places")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": 12345.000000000000000000000000001}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "decimal_max_places")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": 1e400}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "float_parsing")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"cost_usd": "0.5"}}]}""", new object[] { "body", "messages", 0, "usage", "cost_usd" }, "float_parsing")]
    [InlineData("""{"messages": [{"role": "assistant", "usage": {"input_tokens": 1000000000001}}]}""", new object[] { "body", "messages", 0, "usage", "input_tokens" }, "less_than_equal")]
    public async Task Append_BadMessage_Is422WithItsLoc(string json, object[] loc, string type)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var error = await Append(workspace, owner, session, json).ExpectValidationErrorAsync(loc);

        Assert.Equal(type, error["type"]!.GetValue<string>());
        Assert.Empty(await Client.AllMessagesAsync(workspace, owner, session));
    }

    [Fact]
    public async Task Append_TwoToolCallsOfOneIdInAMessage_Is422AtTheRepeat_WhileIdsAgainInOtherMessagesAreKept()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var error = await Append(workspace, owner, session, """{"messages": [{"role": "user"}, {"role": "assistant", "tool_calls": [{"id": "c1", "name": "a"}, {"id": "C1", "name": "b"}, {"id": "c1", "name": "c"}]}]}""")
            .ExpectValidationErrorAsync("body", "messages", 1, "tool_calls", 2, "id");

        Assert.Equal("value_error", error["type"]!.GetValue<string>());
        Assert.Equal("repeats the id of tool call 0; give each call of a message an id of its own", error["msg"]!.GetValue<string>());
        Assert.Empty(await Client.AllMessagesAsync(workspace, owner, session));
        var stored = await Client.AppendAsync(
            workspace,
            owner,
            session,
            new { role = "assistant", tool_calls = new[] { new { id = "c1", name = "a" }, new { id = "C1", name = "b" } } },
            new { role = "tool", tool_call_id = "c1", content = "done" },
            new { role = "assistant", tool_calls = new[] { new { id = "c1", name = "a" } } });
        Assert.Equal(3, stored.Count);
    }

    /// <summary>
    /// A retry answers each message it names as stored: an append naming stored messages of more
    /// than 16 Mi characters of text in all (a few bytes sent, gigabytes answered) is 422, and its
    /// new messages are not stored; naming 16 Mi characters of them is a retry like any other.
    /// </summary>
    [Fact]
    public async Task Append_NamingStoredMessagesOfMoreThan16MiCharacters_Is422AtMessages()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var ids = Enumerable.Range(0, 9).Select(_ => Guid.NewGuid()).ToList();
        var largest = new string('x', 2 * 1024 * 1024);
        await Client.AppendAsync(workspace, owner, session, [.. ids[..5].Select(id => (object)new { id, role = "user", content = largest })]);
        await Client.AppendAsync(workspace, owner, session, [.. ids[5..].Select(id => (object)new { id, role = "user", content = largest })]);

        var retried = await Client.AppendAsync(workspace, owner, session, [.. ids[..8].Select(id => (object)new { id, role = "user" })]);
        var error = await Append(workspace, owner, session, new { messages = ids.Select(id => (object)new { id, role = "user" }).Append(new { role = "user", content = "new" }) })
            .ExpectValidationErrorAsync("body", "messages");

        await Append(workspace, owner, session, new { messages = Enumerable.Repeat(new { id = ids[0], role = "user" }, 9) }).ExpectValidationErrorAsync("body", "messages");
        Assert.Equal(Enumerable.Repeat(largest.Length, 8), retried.Select(m => m!["content"]!.GetValue<string>().Length));
        Assert.Equal("names stored messages holding more than 16777216 characters of text (content, metadata and tool arguments) beyond what it sends of them, which a retry answers whole: send fewer of them at once", error["msg"]!.GetValue<string>());
        Assert.Equal(9, (await Client.AllMessagesAsync(workspace, owner, session)).Count);
    }

    /// <summary>
    /// A batch naming 14 Mi characters of stored messages by id and sending 4 Mi of new ones is
    /// stored; sent again whole, as a client whose answer was lost does, it is a retry: the same
    /// messages answered, nothing stored twice. Counted as stored, the batch names 18 Mi the second
    /// time; what it sends of its new messages is not counted against it.
    /// </summary>
    [Fact]
    public async Task Append_NamingStoredMessagesAndSendingNewOnes_SentAgainWhole_IsARetry()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var earlier = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToList();
        var added = Enumerable.Range(0, 2).Select(_ => Guid.NewGuid()).ToList();
        var largest = new string('x', 2 * 1024 * 1024);
        await Client.AppendAsync(workspace, owner, session, [.. earlier[..4].Select(id => (object)new { id, role = "user", content = largest })]);
        await Client.AppendAsync(workspace, owner, session, [.. earlier[4..].Select(id => (object)new { id, role = "user", content = largest })]);
        object[] batch = [.. earlier.Select(id => (object)new { id, role = "user" }), .. added.Select(id => (object)new { id, role = "assistant", content = largest })];

        var first = await Client.AppendAsync(workspace, owner, session, batch);
        var again = await Client.AppendAsync(workspace, owner, session, batch);

        Assert.Equal([.. earlier, .. added], again.Select(m => Guid.Parse(m!["id"]!.GetValue<string>())));
        Assert.Equal(first.Select(m => m!["seq"]!.GetValue<long>()), again.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal(9, (await Client.AllMessagesAsync(workspace, owner, session)).Count);
    }

    [Fact]
    public async Task Append_OneMebibyteContent_IsAccepted_AndBeyondTheLimit_Is422()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var mebibyte = new string('x', 1024 * 1024);

        var stored = await Client.AppendAsync(workspace, owner, session, new { role = "user", content = mebibyte });
        var tooLong = await Append(workspace, owner, session, new { messages = new[] { new { role = "user", content = new string('x', (2 * 1024 * 1024) + 1) } } })
            .ExpectValidationErrorAsync("body", "messages", 0, "content");

        Assert.Equal(mebibyte.Length, stored.Single()!["content"]!.GetValue<string>().Length);
        Assert.Equal("string_too_long", tooLong["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Append_ToolCallArguments_AreKeptVerbatim()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var stored = await Append(workspace, owner, session, """{"messages": [{"role": "assistant", "tool_calls": [{"id": "a", "name": "f", "arguments": {"q": "x", "n": [1, 2.5]}}, {"id": "b", "name": "g", "arguments": "{\"raw\": true}"}]}]}""")
            .ExpectAsync(HttpStatusCode.OK);

        var calls = stored["messages"]![0]!["tool_calls"]!.AsArray();
        Assert.Equal("""{"id":"a","name":"f","arguments":{"q":"x","n":[1,2.5]}}""", calls[0]!.ToJsonString());
        Assert.Equal("{\"raw\": true}", calls[1]!["arguments"]!.GetValue<string>());
    }

    /// <summary>A cost is stored as the value written, in any JSON spelling of ten decimal places or fewer (docs/api.md, limits).</summary>
    [Theory]
    [InlineData("100e-12", "0.0000000001")]
    [InlineData("1.50000000000000000000000000000000000", "1.5")]
    [InlineData("0.1234567890", "0.123456789")]
    [InlineData("12E3", "12000")]
    [InlineData("9999999999.9999999999", "9999999999.9999999999")]
    public async Task Append_ACostWrittenAnyExactWay_IsStoredAsItsValue(string written, string stored)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var answer = await Append(workspace, owner, session, $$$"""{"messages": [{"role": "assistant", "usage": {"cost_usd": {{{written}}}}}]}""").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(decimal.Parse(stored, CultureInfo.InvariantCulture), answer["messages"]![0]!["usage"]!["cost_usd"]!.GetValue<decimal>());
    }

    /// <summary>Digits and an exponent that offset each other by more than any short spelling: the places are those of the value written.</summary>
    [Fact]
    public async Task Append_ACostWhoseExponentOffsetsManyDigits_IsCountedByItsValue()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        string Body(string cost) => $$$"""{"messages": [{"role": "assistant", "usage": {"cost_usd": {{{cost}}}}}]}""";

        var tiny = await Append(workspace, owner, session, Body("1" + new string('0', 1500) + "e-1530")).ExpectValidationErrorAsync("body", "messages", 0, "usage", "cost_usd");
        var one = await Append(workspace, owner, session, Body("0." + new string('0', 1499) + "1e1500")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("decimal_max_places", tiny["type"]!.GetValue<string>());
        Assert.Equal(1m, one["messages"]![0]!["usage"]!["cost_usd"]!.GetValue<decimal>());
    }

    private Task<HttpResponseMessage> Append(TestWorkspace workspace, TestUser owner, Guid session, object body) =>
        Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), body);
}

/// <summary>A body limit of 32 MiB: a batch stored from one such body is a retry when sent again, past the 16 Mi characters of the default.</summary>
public sealed class LargerBodyApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = (32 * 1024 * 1024).ToString(CultureInfo.InvariantCulture) };
}

public sealed class LargerBodyRetryTests(LargerBodyApiFactory factory) : ApiTest<LargerBodyApiFactory>(factory), IClassFixture<LargerBodyApiFactory>
{
    [Fact]
    public async Task ABatchStoredFromABodyPast16MiB_SentAgain_IsAnsweredAsStored()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var messages = Enumerable.Range(0, 10).Select(_ => new { id = Guid.NewGuid(), role = "user", content = new string('x', 2 * 1024 * 1024) }).ToList();

        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);
        var again = await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(messages.Select(m => m.id.ToString()), again["messages"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(10, (await Client.AllMessagesAsync(workspace, owner, session)).Count);
    }
}
