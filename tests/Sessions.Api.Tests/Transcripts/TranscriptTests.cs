using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Transcripts;

[Collection(SharedApiCollection.Name)]
public sealed class TranscriptTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>
    /// What an export reads (ADR 0054): the transcript as it was at a moment of its session, here
    /// after a first compaction (up to 1) and an append. A second compaction (up to 4) and appends
    /// after the moment change nothing of it: the messages compacted since count current, and the
    /// summary and messages written since are past its last seq; the first compaction's message is
    /// compacted as it was then, and those compacted since carry no compaction.
    /// </summary>
    [Fact]
    public async Task TheTranscriptAsOfAMoment_IgnoresWhatWasWrittenAndCompactedSince()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var path = workspace.SessionPath(session);
        async Task AppendAsync(params string[] contents) =>
            await (await Client.PostAsync(path + "/transcript", owner.Token(), new { messages = contents.Select(c => new { role = "user", content = c }) })).ExpectAsync(HttpStatusCode.OK);
        async Task CompactAsync(int upToSeq) =>
            await (await Client.PostAsync(path + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = $"up to {upToSeq}" }, up_to_seq = upToSeq })).ExpectAsync(HttpStatusCode.OK);
        async Task<IReadOnlyList<(long Seq, bool Compacted)>> SeqsAsync(TranscriptAsOf asOf, SessionLifeKey life, bool includeCompacted)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            var read = await scope.ServiceProvider.GetRequiredService<ITranscriptReadStore>().PageAsOfAsync(life, asOf, 0, 100, includeCompacted, CancellationToken.None);
            return [.. read.Messages.Select(m => (m.Seq, m.CompactedAt is not null))];
        }

        await AppendAsync("1", "2", "3", "4");
        await CompactAsync(1);
        await AppendAsync("6");
        var (life, asOf) = await Factory.WithDbAsync(async db =>
        {
            var row = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session);
            return (SessionLifeKey.Of(row), new TranscriptAsOf(row.LastSeq, row.UpdatedAt));
        });
        await CompactAsync(4);
        await AppendAsync("8");

        Assert.Equal([(2L, false), (3L, false), (4L, false), (5L, false), (6L, false)], await SeqsAsync(asOf, life, includeCompacted: false));
        Assert.Equal([(1L, true), (2L, false), (3L, false), (4L, false), (5L, false), (6L, false)], await SeqsAsync(asOf, life, includeCompacted: true));
    }

    /// <summary>
    /// The changes of one session that answer something else than the session (an append, an item,
    /// a rewind) carry its version after the change as the ETag, as session answers do, so that
    /// conditional changes chain without a read between them; a retry that changes nothing carries
    /// the version it found.
    /// </summary>
    [Fact]
    public async Task ChangesAnsweringOtherThanTheSession_CarryItsNewETag_SoConditionalChangesChain()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var created = await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m" });
        var path = created.Headers.Location!.OriginalString;
        var first = new { messages = new[] { new { id = Guid.NewGuid(), role = "user", content = "one" } } };
        async Task<string> ChangeAsync(string route, object body, string ifMatch, HttpStatusCode status)
        {
            var answer = await Client.SendAsync(HttpMethod.Post, path + route, owner.Token(), body, new Dictionary<string, string> { ["If-Match"] = ifMatch });
            await answer.ExpectAsync(status);
            return answer.Headers.ETag?.ToString() ?? "(none)";
        }

        var appended = await ChangeAsync("/transcript", first, created.Headers.ETag!.ToString(), HttpStatusCode.OK);
        var second = await ChangeAsync("/transcript", new { messages = new[] { new { role = "user", content = "two" } } }, appended, HttpStatusCode.OK);
        var retried = await ChangeAsync("/transcript", first, second, HttpStatusCode.OK);
        var recorded = await ChangeAsync("/items", new { item_type = "file", data = new { }, dedupe_key = "k" }, retried, HttpStatusCode.Created);
        var found = await ChangeAsync("/items", new { item_type = "file", data = new { }, dedupe_key = "k" }, recorded, HttpStatusCode.OK);
        var rewound = await ChangeAsync("/rewind", new { from_seq = 2 }, found, HttpStatusCode.OK);
        var read = await Client.GetAsync(path, owner.Token());
        await read.ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["\"1\"", "\"2\"", "\"3\"", "\"3\"", "\"4\"", "\"4\"", "\"5\""], [created.Headers.ETag!.ToString(), appended, second, retried, recorded, found, rewound]);
        Assert.Equal(rewound, read.Headers.ETag!.ToString());
    }

    /// <summary>
    /// CONTRACT 4 on a route that only resolves its session: a prefix two visible sessions share is
    /// 400 <c>ambiguous_session_id</c> with the number of matches; one that another member's private
    /// session shares resolves to the visible one, archived included, in any letter case.
    /// </summary>
    [Fact]
    public async Task Transcript_ByPrefix_ResolvesAmongTheCallersSessions()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var other = await workspace.AddMemberAsync();
        var shared = Guid.NewGuid().ToString()[..8];
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(shared));
        await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(shared));

        var ambiguous = await (await Client.GetAsync(workspace.SessionPath(shared) + "/transcript", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "ambiguous_session_id");
        Assert.Contains("2", ambiguous["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var prefix = Guid.NewGuid().ToString()[..8];
        var mine = (await Client.CreateSessionAsync(workspace, owner, SessionRequests.IdWithPrefix(prefix))).Id();
        await Client.CreateSessionAsync(workspace, other, SessionRequests.IdWithPrefix(prefix));
        await (await Client.PostAsync(workspace.SessionPath(mine) + "/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "mine" } } })).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync(workspace.SessionPath(mine) + "/archive", owner.Token())).ExpectAsync(HttpStatusCode.OK);

        var transcript = await (await Client.GetAsync(workspace.SessionPath(prefix.ToUpperInvariant()) + "/transcript", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("mine", Assert.Single(transcript["messages"]!.AsArray())!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Append_AssignsSeq_KeepsPreviewAndLastMessageAt_AndAppliesContext()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var longText = new string('p', 250);

        var response = await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new
        {
            context = new { agent = "coder", model = "gpt-5", system_prompt = "be brief" },
            messages = new object[]
            {
                new { role = "system", content = "rules" },
                new { role = "user", content = longText, metadata = new { source = "cli", tags = new[] { 1, 2 } } },
                new { role = "assistant", content = "ok", parent_id = Guid.Empty },
            },
        });
        var stored = (await response.ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();
        var more = await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "second question" });

        Assert.Equal([1L, 2L, 3L], stored.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal(4, more.Single()!["seq"]!.GetValue<long>());
        Assert.Equal("""{"source":"cli","tags":[1,2]}""", stored[1]!["metadata"]!.ToJsonString());
        Assert.Null(stored[0]!["usage"]);
        var read = await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(longText[..200], read["preview_text"]!.GetValue<string>());
        Assert.Equal(more.Single()!["created_at"]!.GetValue<string>(), read["last_message_at"]!.GetValue<string>());
        Assert.Equal("coder", read["agent"]!.GetValue<string>());
        Assert.Equal("gpt-5", read["model"]!.GetValue<string>());
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    /// <summary>
    /// A batch's rows are written with a null as <c>NULL</c> and a value equal to the row before's
    /// sharing that row's parameter: each field, the same as the message before, other than it,
    /// absent and present again, reads back as each message sent it.
    /// </summary>
    [Fact]
    public async Task Append_FieldsRepeatedAbsentOrChangedFromMessageToMessage_ReadBackAsEachWasSent()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var parent = Guid.NewGuid();
        var ids = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToArray();
        var usage = new { input_tokens = 1, output_tokens = 2 };
        var call = new[] { new { id = "c1", name = "f", arguments = "{}" } };
        var sent = new object[]
        {
            new { id = ids[0], role = "user", content = "same", metadata = new { a = 1 }, usage },
            new { id = ids[1], role = "user", content = "same", metadata = new { a = 1 }, usage },
            new { id = ids[2], role = "assistant", content = "", parent_id = parent, tool_calls = call, usage = new { input_tokens = 1, output_tokens = 2, cost_usd = 0.5 } },
            new { id = ids[3], role = "tool", content = "r", parent_id = parent, tool_call_id = "c1" },
            new { id = ids[4], role = "tool", content = "r", tool_call_id = "c1", metadata = new { a = 2 } },
            new { id = ids[5], role = "user", content = "same", parent_id = parent, metadata = new { a = 2 }, usage },
            new { id = ids[6], role = "user", content = "other", parent_id = parent },
        };

        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = sent })).ExpectAsync(HttpStatusCode.OK);
        var read = (await (await Client.GetAsync(workspace.SessionPath(session) + "/transcript", owner.Token())).ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray();

        string? Text(int i, string field) => read[i]![field]?.ToJsonString();
        Assert.Equal(ids, read.Select(m => Guid.Parse(m!["id"]!.GetValue<string>())));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L], read.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal(["user", "user", "assistant", "tool", "tool", "user", "user"], read.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["same", "same", "", "r", "r", "same", "other"], read.Select(m => m!["content"]!.GetValue<string>()));
        Assert.Equal([null, null, parent, parent, null, parent, parent], read.Select(m => m!["parent_id"] is { } id ? Guid.Parse(id.GetValue<string>()) : (Guid?)null));
        Assert.Equal([null, null, null, "c1", "c1", null, null], read.Select(m => m!["tool_call_id"]?.GetValue<string>()));
        Assert.Equal(["""{"a":1}""", """{"a":1}""", null, null, """{"a":2}""", """{"a":2}""", null], Enumerable.Range(0, 7).Select(i => Text(i, "metadata")));
        Assert.Equal("c1", read[2]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.All([0, 1, 3, 4, 5, 6], i => Assert.Empty(read[i]!["tool_calls"]?.AsArray() ?? []));
        Assert.Equal([1L, 1L, 1L, null, null, 1L, null], read.Select(m => m!["usage"]?["input_tokens"]?.GetValue<long>()));
        Assert.Equal([null, null, 0.5m, null, null, null, null], read.Select(m => m!["usage"]?["cost_usd"]?.GetValue<decimal>()));
        Assert.Single(read.Select(m => m!["created_at"]!.GetValue<string>()).Distinct());
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    [Fact]
    public async Task Append_WithoutContent_StoresTheEmptyString()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var stored = await Client.AppendAsync(workspace, owner, session, new { role = "assistant" });

        Assert.Equal("", stored.Single()!["content"]!.GetValue<string>());
        var transcript = await (await Client.GetAsync(workspace.SessionPath(session) + "/transcript", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("", transcript["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Append_RetriedBatch_StoresNothingTwiceAndAnswersTheStoredMessages()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        object[] batch = [new { id = a, role = "user", content = "q" }, new { id = b, role = "assistant", content = "r", usage = new { input_tokens = 3, output_tokens = 1, cost_usd = 0.1m } }];

        var first = await Client.AppendAsync(workspace, owner, session, batch);
        var retry = await Client.AppendAsync(workspace, owner, session, batch);
        var mixed = await Client.AppendAsync(workspace, owner, session, new { id = b, role = "assistant", content = "changed" }, new { id = a, role = "user", content = "new" }, new { role = "user", content = "fresh" }, new { id = a, role = "user" });

        Assert.Equal(first.ToJsonString(), retry.ToJsonString());
        Assert.Equal([2L, 1L, 3L, 1L], mixed.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal("r", mixed[0]!["content"]!.GetValue<string>());
        var all = await Client.AllMessagesAsync(workspace, owner, session);
        Assert.Equal(3, all.Count);
        var usage = await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
        Assert.Equal(3, usage["total_input_tokens"]!.GetValue<int>());
    }

    /// <summary>
    /// A retried batch is the retry of an append that happened, context and all: arriving after a
    /// later append, it does not put back the model, agent and system prompt that append replaced,
    /// and it changes nothing, also once the session is frozen.
    /// </summary>
    [Fact]
    public async Task Append_RetriedBatchWithContext_AfterALaterAppend_ChangesNothing()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var transcript = workspace.SessionPath(session) + "/transcript";
        var first = new { context = new { agent = "planner", model = "model-a", system_prompt = "first" }, messages = new[] { new { id = Guid.NewGuid(), role = "user", content = "one" } } };
        var firstAnswer = await (await Client.PostAsync(transcript, owner.Token(), first)).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync(transcript, owner.Token(), new { context = new { agent = "coder", model = "model-b", system_prompt = "second" }, messages = new[] { new { role = "user", content = "two" } } }))
            .ExpectAsync(HttpStatusCode.OK);
        var before = await Client.GetAsync(workspace.SessionPath(session), owner.Token());
        var updates = await EventCountAsync(session, "SessionUpdated");

        var retry = await (await Client.PostAsync(transcript, owner.Token(), first)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(firstAnswer.ToJsonString(), retry.ToJsonString());
        var after = await Client.GetAsync(workspace.SessionPath(session), owner.Token());
        var read = await after.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("model-b", read["model"]!.GetValue<string>());
        Assert.Equal("coder", read["agent"]!.GetValue<string>());
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(updates, await EventCountAsync(session, "SessionUpdated"));

        await (await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var retriedWhenFrozen = await (await Client.PostAsync(transcript, owner.Token(), first)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(firstAnswer.ToJsonString(), retriedWhenFrozen.ToJsonString());
    }

    [Fact]
    public async Task Append_DuplicateIdWithinOneBatch_IsStoredOnce()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var id = Guid.NewGuid();

        var answer = await Client.AppendAsync(workspace, owner, session, new { id, role = "user", content = "one" }, new { id, role = "user", content = "two" });

        Assert.Equal(answer[0]!.ToJsonString(), answer[1]!.ToJsonString());
        Assert.Single(await Client.AllMessagesAsync(workspace, owner, session));
    }

    [Fact]
    public async Task FrozenSession_RefusesAppendCompactAndRewind_AndItsTranscriptStaysByteForByte()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "evidence" }, new { role = "assistant", content = "answer", usage = new { input_tokens = 4, output_tokens = 2, cost_usd = 0.02m } });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var transcript = await TranscriptTextAsync(workspace, owner, session);
        var before = await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).Content.ReadAsStringAsync();

        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = new[] { new { role = "user", content = "tamper" } } })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s" }, up_to_seq = 1 })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");
        await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = 1 })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");

        Assert.Equal(transcript, await TranscriptTextAsync(workspace, owner, session));
        Assert.Equal(before, await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FrozenSession_AnswersARetriedBatchAsStored_AndRefusesOneWithANewMessage()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var id = Guid.NewGuid();
        object[] batch = [new { id, role = "user", content = "evidence" }];
        var first = await Client.AppendAsync(workspace, owner, session, batch);
        await (await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var appendedEvents = await EventCountAsync(session, "TranscriptAppended");

        var retry = await Client.AppendAsync(workspace, owner, session, batch);
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages = new object[] { new { id, role = "user", content = "evidence" }, new { role = "user", content = "new" } } }))
            .ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");

        Assert.Equal(first.ToJsonString(), retry.ToJsonString());
        Assert.Single(await Client.AllMessagesAsync(workspace, owner, session));
        Assert.Equal(appendedEvents, await EventCountAsync(session, "TranscriptAppended"));
    }

    [Fact]
    public async Task ARetriedCompaction_IsAnsweredAsItHappened_AndCompactsNothingMore_EvenOnceFrozen()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "q" }, new { role = "assistant", content = "a" });
        var compact = new { summary = new { id = Guid.NewGuid(), role = "system", content = "summary" }, up_to_seq = 2 };
        var path = workspace.SessionPath(session) + "/transcript/compact";

        var first = await Client.PostAsync(path, owner.Token(), compact).ExpectAsync(HttpStatusCode.OK);
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "after" });
        var retried = await Client.PostAsync(path, owner.Token(), compact).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        await Client.PostAsync(path, owner.Token(), compact).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(3, first["usage"]!["total_message_count"]!.GetValue<int>());
        Assert.Equal(4, retried["usage"]!["total_message_count"]!.GetValue<int>());
        Assert.Equal(2, retried["usage"]!["current_message_count"]!.GetValue<int>());
        Assert.Equal(4, (await Client.AllMessagesAsync(workspace, owner, session)).Count);
        Assert.Equal(1, await EventCountAsync(session, "TranscriptCompacted"));
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    [Fact]
    public async Task Transcript_KeysetPaging_AndCompactedMessagesOnlyWhenAsked()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, [.. Enumerable.Range(1, 7).Select(i => (object)new { role = i % 2 == 1 ? "user" : "assistant", content = $"m{i}" })]);
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "summary of 1-3" }, up_to_seq = 3 })).ExpectAsync(HttpStatusCode.OK);

        var first = await PageAsync(workspace, owner, session, "limit=2");
        var second = await PageAsync(workspace, owner, session, $"limit=2&after_seq={first["next_after_seq"]}");
        var last = await PageAsync(workspace, owner, session, $"limit=2&after_seq={second["next_after_seq"]}");
        var withCompacted = await PageAsync(workspace, owner, session, "include_compacted=true");

        Assert.Equal([4L, 5L], Seqs(first));
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal([6L, 7L], Seqs(second));
        Assert.Equal([8L], Seqs(last));
        Assert.False(last["has_more"]!.GetValue<bool>());
        Assert.Equal("summary of 1-3", last["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L], Seqs(withCompacted));
        Assert.All(withCompacted["messages"]!.AsArray().Take(3), m => Assert.NotNull(m!["compacted_at"]));
        Assert.All(withCompacted["messages"]!.AsArray().Skip(3), m => Assert.Null(m!["compacted_at"]));
        var empty = await PageAsync(workspace, owner, session, "after_seq=8");
        Assert.Empty(empty["messages"]!.AsArray());
        Assert.Null(empty["next_after_seq"]);
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    [Fact]
    public async Task Transcript_And_Search_PageWithTheirDefaultLimits()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, [.. Enumerable.Range(1, 120).Select(i => (object)new { role = "user", content = $"needle {i}" })]);

        var page = await PageAsync(workspace, owner, session, string.Empty);
        var matches = await SearchAsync(workspace, owner, session, "q=needle");

        Assert.Equal(100, page["messages"]!.AsArray().Count);
        Assert.True(page["has_more"]!.GetValue<bool>());
        Assert.Equal(100, page["next_after_seq"]!.GetValue<long>());
        Assert.Equal(50, matches["matches"]!.AsArray().Count);
        Assert.Equal(120, matches["total"]!.GetValue<int>());
        Assert.True(matches["has_more"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Compact_UpToSeqOutsideTheTranscript_Is422()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var summary = new { role = "system", content = "s" };

        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary, up_to_seq = 1 })).ExpectValidationErrorAsync("body", "up_to_seq");
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "a" }, new { role = "assistant", content = "b" });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary, up_to_seq = 3 })).ExpectValidationErrorAsync("body", "up_to_seq");
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary, up_to_seq = 0 })).ExpectValidationErrorAsync("body", "up_to_seq");
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { up_to_seq = 1 })).ExpectValidationErrorAsync("body", "summary");

        Assert.Equal(2, (await Client.AllMessagesAsync(workspace, owner, session)).Count);
    }

    [Fact]
    public async Task Compact_Twice_CompactsOnlyWhatIsNotYetCompacted()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "assistant", usage = new { input_tokens = 10, output_tokens = 1, cost_usd = 0.1m } }, new { role = "assistant", usage = new { input_tokens = 20, output_tokens = 2, cost_usd = 0.2m } });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s1" }, up_to_seq = 1 })).ExpectAsync(HttpStatusCode.OK);

        var session2 = await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s2", usage = new { input_tokens = 5, output_tokens = 5, cost_usd = 0.05m } }, up_to_seq = 3 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, session2["usage"]!["current_message_count"]!.GetValue<int>());
        Assert.Equal(5, session2["usage"]!["current_input_tokens"]!.GetValue<int>());
        Assert.Equal(35, session2["usage"]!["total_input_tokens"]!.GetValue<int>());
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    [Fact]
    public async Task Rewind_DeletesTheTargetAndLater_AndAnswersWhatWasTyped()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "first" }, new { role = "assistant", content = "a1" }, new { role = "user", content = "second" }, new { role = "assistant", content = "a2" }, new { role = "tool", content = "t" });

        var outcome = await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = 3 })).ExpectAsync(HttpStatusCode.OK);
        var next = await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "second, rephrased" });

        Assert.Equal("""{"deleted_count":3,"target_seq":3,"restored_content":"second"}""", outcome.ToJsonString());
        Assert.Equal(["first", "a1", "second, rephrased"], (await Client.AllMessagesAsync(workspace, owner, session)).Select(m => m["content"]!.GetValue<string>()));
        Assert.Equal(6, next.Single()!["seq"]!.GetValue<long>());
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    /// <summary>
    /// A rewind goes back to the transcript as it was when its target was written: a compaction
    /// whose summary it removes came later and is undone (its messages are current again), while
    /// one whose summary stays before the target stays. Usage follows the rows.
    /// </summary>
    [Fact]
    public async Task Rewind_PastACompactionsSummary_UndoesThatCompaction_AndKeepsTheEarlierOnes()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var path = workspace.SessionPath(session);
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "u1" }, new { role = "assistant", content = "a1", usage = new { input_tokens = 10, output_tokens = 1 } }, new { role = "user", content = "u2" }, new { role = "assistant", content = "a2", usage = new { input_tokens = 20, output_tokens = 2 } });
        await (await Client.PostAsync(path + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s1" }, up_to_seq = 2 })).ExpectAsync(HttpStatusCode.OK);
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "u3" }, new { role = "assistant", content = "a3", usage = new { input_tokens = 5, output_tokens = 1 } });
        await (await Client.PostAsync(path + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s2" }, up_to_seq = 4 })).ExpectAsync(HttpStatusCode.OK);
        async Task<IEnumerable<string>> CurrentAsync() =>
            (await (await Client.GetAsync(path + "/transcript", owner.Token())).ExpectAsync(HttpStatusCode.OK))["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>());

        Assert.Equal(["s1", "u3", "a3", "s2"], await CurrentAsync());

        var outcome = await (await Client.PostAsync(path + "/rewind", owner.Token(), new { from_seq = 6 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("""{"deleted_count":3,"target_seq":6,"restored_content":"u3"}""", outcome.ToJsonString());
        Assert.Equal(["u2", "a2", "s1"], await CurrentAsync());
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);

        await (await Client.PostAsync(path + "/rewind", owner.Token(), new { from_seq = 3 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["u1", "a1"], await CurrentAsync());
        var search = await (await Client.GetAsync(path + "/messages/search?q=U1", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, search["total"]!.GetValue<int>());
        var read = await (await Client.GetAsync(path, owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2, 2, 10), (read["usage"]!["current_message_count"]!.GetValue<int>(), read["usage"]!["total_message_count"]!.GetValue<int>(), read["usage"]!["current_input_tokens"]!.GetValue<int>()));
        await Client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
    }

    [Fact]
    public async Task Rewind_ToTheFirstUserMessage_ClearsPreviewAndLastMessageAt()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "only" }, new { role = "assistant", content = "reply" });

        await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = 1 })).ExpectAsync(HttpStatusCode.OK);

        var read = await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(read["preview_text"]);
        Assert.Null(read["last_message_at"]);
        Assert.Null(read["usage"]!["last_generation_input_tokens"]);
    }

    [Fact]
    public async Task Rewind_InvalidTargets_Are422()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "u1" }, new { role = "assistant", content = "a1" }, new { role = "user", content = "u2" });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "s" }, up_to_seq = 1 })).ExpectAsync(HttpStatusCode.OK);

        foreach (var seq in new[] { 1, 2, 99 })
        {
            await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = seq })).ExpectValidationErrorAsync("body", "from_seq");
        }

        await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { })).ExpectValidationErrorAsync("body", "from_seq");
        Assert.Equal(4, (await Client.AllMessagesAsync(workspace, owner, session)).Count);
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("worker")]
    public async Task Rewind_NonUserOrigin_Is409Conflict(string origin)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { origin })).Id();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "u" });
        await Client.AppendAsync(workspace, owner, session, new { role = "assistant", content = "a" });

        await (await Client.PostAsync(workspace.SessionPath(session) + "/rewind", owner.Token(), new { from_seq = 1 })).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "conflict");
        var kept = await Client.AllMessagesAsync(workspace, owner, session);
        Assert.Equal(["u", "a"], kept.Select(m => m["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TranscriptChanges_ByNonOwner_Are403WhenShared_And404WhenPrivate()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var shared = (await Client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" })).Id();
        var member = await workspace.AddMemberAsync();
        (string Path, object Body)[] requests = [("transcript", new { messages = new[] { new { role = "user" } } }), ("rewind", new { from_seq = 1 }), ("transcript/compact", new { summary = new { role = "system" }, up_to_seq = 1 })];

        foreach (var (path, body) in requests)
        {
            await (await Client.PostAsync($"{workspace.SessionPath(shared)}/{path}", member.Token(), body)).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
            await (await Client.PostAsync($"{workspace.SessionPath(session)}/{path}", member.Token(), body)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        }

        await (await Client.GetAsync($"{workspace.SessionPath(shared)}/transcript", member.Token())).ExpectAsync(HttpStatusCode.OK);
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/transcript", member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?q=x", member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var viewer = await workspace.AddMemberAsync(WorkspaceRole.Viewer);
        await (await Client.PostAsync($"{workspace.SessionPath(shared)}/transcript", viewer.Token(), new { messages = new[] { new { role = "user" } } })).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        await (await Client.GetAsync($"{workspace.SessionPath(shared)}/transcript", owner.Token(Scopes.SessionsWrite))).ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
    }

    [Fact]
    public async Task Search_IsCaseInsensitive_WildcardsAreLiteral_PagedAndCounted()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(
            workspace,
            owner,
            session,
            new { role = "user", content = "The Parser failed" },
            new { role = "assistant", content = "parser fixed: 100% coverage" },
            new { role = "user", content = "unrelated" },
            new { role = "assistant", content = "PARSER again, snake_case" },
            new { role = "user", content = "parsers everywhere" });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "no match" }, up_to_seq = 1 })).ExpectAsync(HttpStatusCode.OK);

        var first = await SearchAsync(workspace, owner, session, "q=parser&limit=2");
        var second = await SearchAsync(workspace, owner, session, "q=parser&limit=2&after_seq=4");
        var all = await SearchAsync(workspace, owner, session, "q=PaRsEr&include_compacted=true");

        Assert.Equal([2L, 4L], Seqs(first, "matches"));
        Assert.Equal(3, first["total"]!.GetValue<int>());
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal([5L], Seqs(second, "matches"));
        Assert.False(second["has_more"]!.GetValue<bool>());
        Assert.Equal([1L, 2L, 4L, 5L], Seqs(all, "matches"));
        Assert.Equal([2L], Seqs(await SearchAsync(workspace, owner, session, "q=100%25"), "matches"));
        Assert.Equal([4L], Seqs(await SearchAsync(workspace, owner, session, "q=e_c"), "matches"));
        Assert.Empty((await SearchAsync(workspace, owner, session, "q=0%25%25"))["matches"]!.AsArray());
    }

    /// <summary>Search folds every letter's case on every database (CONTRACT 5.3); GLOB's wildcards in the text are literal on SQLite.</summary>
    [Fact]
    public async Task Search_FoldsTheCaseOfEveryLetter()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(
            workspace,
            owner,
            session,
            new { role = "user", content = "Über die Brücke" },
            new { role = "user", content = "uber" },
            new { role = "assistant", content = "ПРИВЕТ мир" },
            new { role = "user", content = "Ä*[b]? und ä?" },
            new { role = "user", content = "ΛΌΓΟΣ" },
            new { role = "user", content = "Λόγος, ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ, STRAẞE" },
            new { role = "user", content = "İstanbul" },
            new { role = "user", content = "Öl" });

        async Task<IReadOnlyList<long>> Found(string text) =>
            Seqs(await SearchAsync(workspace, owner, session, "q=" + Uri.EscapeDataString(text)), "matches");

        Assert.Equal([1L], await Found("Über"));
        Assert.Equal([1L], await Found("über DIE br"));
        Assert.Equal([1L], await Found("BRÜCKE"));
        Assert.Equal([3L], await Found("привет"));
        Assert.Equal([3L], await Found("т М"));
        Assert.Equal([4L], await Found("ä*[B]?"));
        Assert.Equal([4L], await Found("Ä?"));
        Assert.Empty(await Found("äb"));
        Assert.Empty(await Found("*ä"));
        Assert.Empty(await Found("ö?"));
        Assert.Empty(await Found("ö*l"));
        Assert.Empty(await Found("[Ö]l"));
        Assert.Equal([8L], await Found("öL"));
        Assert.Equal([6L], await Found("λόγος"));
        Assert.Equal([6L], await Found("საქართველო"));
        Assert.Equal([6L], await Found("straße"));
        Assert.Equal([7L], await Found("İstanbul"));
    }

    /// <summary>Search beyond ASCII (GLOB on SQLite) pages and counts as ASCII search does: total, has_more, after_seq, compacted messages left out unless asked (CONTRACT 5.3).</summary>
    [Fact]
    public async Task Search_BeyondAscii_IsPagedAndCounted()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(
            workspace,
            owner,
            session,
            new { role = "user", content = "Über eins" },
            new { role = "assistant", content = "ÜBER zwei" },
            new { role = "user", content = "uber ohne" },
            new { role = "assistant", content = "über drei" },
            new { role = "user", content = "noch über vier" });
        await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "zusammen" }, up_to_seq = 1 })).ExpectAsync(HttpStatusCode.OK);

        var first = await SearchAsync(workspace, owner, session, "q=%C3%BCber&limit=2");
        var second = await SearchAsync(workspace, owner, session, "q=%C3%BCber&limit=2&after_seq=4");
        var all = await SearchAsync(workspace, owner, session, "q=%C3%9CbEr&include_compacted=true");

        Assert.Equal([2L, 4L], Seqs(first, "matches"));
        Assert.Equal(3, first["total"]!.GetValue<int>());
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal([5L], Seqs(second, "matches"));
        Assert.False(second["has_more"]!.GetValue<bool>());
        Assert.Equal([1L, 2L, 4L, 5L], Seqs(all, "matches"));
        Assert.Equal(4, all["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=", "q")]
    [InlineData("q=x&limit=201", "limit")]
    [InlineData("q=x&after_seq=-1", "after_seq")]
    public async Task Search_BadQuery_Is422AtTheParameter(string query, string parameter)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        await (await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?{query}", owner.Token())).ExpectValidationErrorAsync("query", parameter);
    }

    [Fact]
    public async Task Transcript_BadPaging_Is422AtTheParameter()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        await (await Client.GetAsync($"{workspace.SessionPath(session)}/transcript?limit=0", owner.Token())).ExpectValidationErrorAsync("query", "limit");
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/transcript?limit=501", owner.Token())).ExpectValidationErrorAsync("query", "limit");
        var type = await (await Client.GetAsync($"{workspace.SessionPath(session)}/transcript?after_seq=abc", owner.Token())).ExpectValidationErrorAsync("query", "after_seq");
        Assert.Equal("int_parsing", type["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteSession_TakesTheTranscriptWithIt()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "bye" }, new { role = "assistant", content = "ok" });

        var deleted = await Client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session), owner.Token());

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await Factory.WithDbAsync(db => db.Messages.CountAsync(m => m.SessionId == session)));
    }

    private async Task<string> TranscriptTextAsync(TestWorkspace workspace, TestUser owner, Guid session) =>
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/transcript?include_compacted=true&limit=500", owner.Token())).Content.ReadAsStringAsync();

    /// <summary>
    /// A page holds at most 8 Mi characters of text, whatever its limit: five of the largest
    /// messages read as four and then one, the search's matches likewise, and the export holds
    /// all five (it goes on from a page that ended at its budget).
    /// </summary>
    [Fact]
    public async Task APage_EndsAtItsTextBudget_AndTheNextGoesOn()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var large = "needle" + new string('x', FieldLimits.MessageContent - 6);
        for (var i = 0; i < 5; i++)
        {
            await Client.AppendAsync(workspace, owner, session, new { role = "user", content = large });
        }

        var first = await PageAsync(workspace, owner, session, "limit=500");
        var second = await PageAsync(workspace, owner, session, $"limit=500&after_seq={first["next_after_seq"]}");
        var matches = await SearchAsync(workspace, owner, session, "q=needle&limit=200");
        var export = JsonNode.Parse(await (await Client.GetAsync($"{workspace.SessionPath(session)}/trajectory?format=openai", owner.Token())).Content.ReadAsStringAsync())!.AsArray();

        Assert.Equal((4, true, 4L), (first["messages"]!.AsArray().Count, first["has_more"]!.GetValue<bool>(), first["next_after_seq"]!.GetValue<long>()));
        Assert.Equal((1, false, 5L), (second["messages"]!.AsArray().Count, second["has_more"]!.GetValue<bool>(), second["next_after_seq"]!.GetValue<long>()));
        Assert.Equal((4, true, 5L), (matches["matches"]!.AsArray().Count, matches["has_more"]!.GetValue<bool>(), matches["total"]!.GetValue<long>()));
        Assert.Equal(5, export.Count);
    }

    /// <summary>Four of the largest messages fill a page's text budget exactly: they are the whole transcript, nothing more follows.</summary>
    [Fact]
    public async Task APageFilledExactlyByItsTextBudget_HasNoMore()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        for (var i = 0; i < 4; i++)
        {
            await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "needle" + new string('x', FieldLimits.MessageContent - 6) });
        }

        var page = await PageAsync(workspace, owner, session, "limit=500");
        var matches = await SearchAsync(workspace, owner, session, "q=needle&limit=200");

        Assert.Equal((4, false), (page["messages"]!.AsArray().Count, page["has_more"]!.GetValue<bool>()));
        Assert.Equal((4, false), (matches["matches"]!.AsArray().Count, matches["has_more"]!.GetValue<bool>()));
    }

    private async Task<JsonObject> PageAsync(TestWorkspace workspace, TestUser owner, Guid session, string query) =>
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/transcript?{query}", owner.Token())).ExpectAsync(HttpStatusCode.OK);

    private async Task<JsonObject> SearchAsync(TestWorkspace workspace, TestUser owner, Guid session, string query) =>
        await (await Client.GetAsync($"{workspace.SessionPath(session)}/messages/search?{query}", owner.Token())).ExpectAsync(HttpStatusCode.OK);

    private static List<long> Seqs(JsonObject page, string field = "messages") => [.. page[field]!.AsArray().Select(m => m!["seq"]!.GetValue<long>())];
}
