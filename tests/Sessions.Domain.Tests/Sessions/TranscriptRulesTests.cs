using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;
using Sessions.Domain.Tests.Builders;

namespace Sessions.Domain.Tests.Sessions;

/// <summary>Appends, compactions and rewinds at their edges.</summary>
public sealed class TranscriptRulesTests
{
    private static readonly DateTime Later = SessionBuilder.Created.AddMinutes(10);
    private static readonly Guid Actor = Guid.NewGuid();

    [Fact]
    public void Append_KeepsTheClientsMessageId_AndCopiesTheDraft()
    {
        var session = A.Session().Build();
        var id = Guid.NewGuid();
        var parent = Guid.NewGuid();
        var draft = new MessageDraft(id, MessageRole.Tool, "out", parent, "call-1", [new ToolCall("c", "f", "{}")], """{"m":1}""", new MessageUsage(1, 2, 3, 4, 0.5m));

        var message = session.AppendMessages(null, [draft], Actor, Later).Value.Single();

        Assert.Equal((id, session.Id, 1L, MessageRole.Tool, "out"), (message.Id, message.SessionId, message.Seq, message.Role, message.Content));
        Assert.Equal((parent, "call-1", """{"m":1}""", 1, Later), (message.ParentId!.Value, message.ToolCallId, message.MetadataJson, message.ToolCallCount, message.CreatedAt));
        Assert.Same(draft.Usage, message.Usage);
        Assert.Same(draft.ToolCalls, message.ToolCalls);
        Assert.Null(message.CompactedAt);
    }

    /// <summary>A session's lifetime cost may reach the stored maximum, not pass it: the batch that would is refused whole, changing nothing.</summary>
    [Fact]
    public void Append_PastTheStoredCost_IsRefusedWhole_AndChangesNothing()
    {
        var session = A.Session().Build();
        var half = decimal.Round(UsageTotals.MaxCostUsd / 2, 10);
        session.AppendMessages(null, [Draft.Assistant("a", new MessageUsage(1, 1, 0, 0, half))], Actor, Later);
        session.ClearDomainEvents();
        var (lastSeq, total, current, version) = (session.LastSeq, session.TotalUsage, session.CurrentUsage, session.Version);

        var refused = session.AppendMessages(
            new TranscriptContext("agent", "another-model", null),
            [Draft.User("q"), Draft.Assistant("b", new MessageUsage(1, 1, 0, 0, half)), Draft.Assistant("c", new MessageUsage(1, 1, 0, 0, 0.0000000002m))],
            Actor,
            Later);

        Assert.Same(DomainErrors.UsageBeyondWhatIsStored, refused.Error);
        Assert.Equal((lastSeq, total, current, version), (session.LastSeq, session.TotalUsage, session.CurrentUsage, session.Version));
        Assert.NotEqual("another-model", session.Model);
        Assert.Null(session.PreviewText);
        Assert.Empty(session.DomainEvents);

        var filled = session.AppendMessages(null, [Draft.Assistant("b", new MessageUsage(1, 1, 0, 0, UsageTotals.MaxCostUsd - half))], Actor, Later);
        Assert.Equal(UsageTotals.MaxCostUsd, session.TotalUsage.CostUsd);
        Assert.Equal(lastSeq + 1, Assert.Single(filled.Value).Seq);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Append_PastTheStoredTokens_OfAnyKind_IsRefused(int kind)
    {
        var session = A.Session().Build();
        MessageUsage Usage(long tokens) => kind switch
        {
            0 => new MessageUsage(tokens, 0, 0, 0, null),
            1 => new MessageUsage(0, tokens, 0, 0, null),
            2 => new MessageUsage(0, 0, tokens, 0, null),
            _ => new MessageUsage(0, 0, 0, tokens, null),
        };
        session.AppendMessages(null, [Draft.Assistant("a", Usage(long.MaxValue - 1))], Actor, Later);

        var refused = session.AppendMessages(null, [Draft.Assistant("b", Usage(2))], Actor, Later);
        var taken = session.AppendMessages(null, [Draft.Assistant("c", Usage(1))], Actor, Later);

        Assert.Same(DomainErrors.UsageBeyondWhatIsStored, refused.Error);
        Assert.True(taken.IsSuccess);
        Assert.Equal(2, session.LastSeq);
    }

    /// <summary>A compaction's summary is appended like any message: past the stored usage it is refused, and nothing is compacted.</summary>
    [Fact]
    public void Compact_WithASummaryPastTheStoredCost_IsRefused_AndCompactsNothing()
    {
        var session = A.Session().Build();
        session.AppendMessages(null, [Draft.Assistant("a", new MessageUsage(1, 1, 0, 0, UsageTotals.MaxCostUsd))], Actor, Later);
        session.ClearDomainEvents();
        var current = session.CurrentUsage;

        var refused = session.Compact(1, current, Draft.Assistant("summary", new MessageUsage(1, 1, 0, 0, 1m)), Actor, Later);

        Assert.Same(DomainErrors.UsageBeyondWhatIsStored, refused.Error);
        Assert.Equal(current, session.CurrentUsage);
        Assert.Equal(1, session.LastSeq);
        Assert.Empty(session.DomainEvents);
    }

    [Fact]
    public void Append_WithAContextThatOmitsAgentAndPrompt_KeepsThem()
    {
        var session = A.Session().Build();
        session.AppendMessages(new TranscriptContext("agent-1", "m1", "prompt-1"), [], Actor, Later);

        session.AppendMessages(new TranscriptContext(null, "m2", null), [], Actor, Later);

        Assert.Equal(("agent-1", "m2", SessionPrompt.DigestOf("prompt-1")), (session.Agent, session.Model, session.SystemPromptDigest));
        session.AppendMessages(new TranscriptContext("agent-2", "m3", "prompt-2"), [], Actor, Later);
        Assert.Equal(("agent-2", "m3", SessionPrompt.DigestOf("prompt-2")), (session.Agent, session.Model, session.SystemPromptDigest));
    }

    [Fact]
    public void Append_OfNoMessageWithAContext_RecordsWhatTheContextChanged_ButNoAppend()
    {
        var session = A.Session().Build();

        session.AppendMessages(new TranscriptContext("a", "m", null), [], Actor, Later);

        var updated = Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents));
        Assert.Equal(["agent", "model"], updated.Fields);
        Assert.Null(session.LastMessageAt);
        Assert.Equal((2L, Later), (session.Version, session.UpdatedAt));
        Assert.Null(session.SystemPromptDigest);
    }

    [Fact]
    public void Append_OfNoMessageWithAContextThatChangesNothing_ChangesNothing()
    {
        var session = A.Session().Build();
        session.AppendMessages(new TranscriptContext("a", "m", "prompt"), [], Actor, Later);
        session.ClearDomainEvents();

        session.AppendMessages(new TranscriptContext(null, "m", null), [], Actor, Later.AddMinutes(1));
        session.AppendMessages(new TranscriptContext("a", "m", "prompt"), [], Actor, Later.AddMinutes(2));

        Assert.Empty(session.DomainEvents);
        Assert.Equal((2L, Later), (session.Version, session.UpdatedAt));
        Assert.Equal(("a", "m", SessionPrompt.DigestOf("prompt")), (session.Agent, session.Model, session.SystemPromptDigest));
    }

    /// <summary>No prompt stored reads as the empty one: sending it changes nothing and stores nothing, and the first other prompt is a change.</summary>
    [Fact]
    public void Append_OfTheEmptyPromptToASessionWithNone_ChangesNothing_AndAnotherOneIsAChange()
    {
        var session = A.Session().Build();

        session.AppendMessages(new TranscriptContext(null, session.Model, ""), [], Actor, Later);
        Assert.Empty(session.DomainEvents);
        Assert.Null(session.SystemPromptDigest);
        session.AppendMessages(new TranscriptContext(null, session.Model, " "), [], Actor, Later);

        Assert.Equal(["system_prompt"], Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents)).Fields);
        Assert.Equal(SessionPrompt.DigestOf(" "), session.SystemPromptDigest);
    }

    /// <summary>Once a prompt is stored, the empty one replaces it like any other.</summary>
    [Fact]
    public void Append_OfTheEmptyPromptAfterAnother_IsAChange()
    {
        var session = A.Session().Build();
        session.AppendMessages(new TranscriptContext(null, session.Model, "prompt"), [], Actor, Later);
        session.ClearDomainEvents();

        session.AppendMessages(new TranscriptContext(null, session.Model, ""), [], Actor, Later);

        Assert.Equal(["system_prompt"], Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents)).Fields);
        Assert.Equal(SessionPrompt.EmptyDigest, session.SystemPromptDigest);
    }

    /// <summary>
    /// A session whose prompt was stored before digests were kept learns the digest from the stored
    /// text the context carries: the same prompt changes nothing, another one is a change.
    /// </summary>
    [Theory]
    [InlineData("stored", true)]
    [InlineData("sent", false)]
    public void Append_OfAPrompt_ToASessionThatDoesNotKnowItsDigest_ComparesWithTheStoredText(string stored, bool changes)
    {
        var session = A.Session().WithPromptStoredBeforeDigests().Build();
        Assert.False(session.KnowsItsPromptDigest);

        session.AppendMessages(new TranscriptContext(null, session.Model, "sent", stored), [], Actor, Later);

        Assert.True(session.KnowsItsPromptDigest);
        Assert.Equal(SessionPrompt.DigestOf("sent"), session.SystemPromptDigest);
        Assert.Equal(changes, session.DomainEvents.OfType<SessionUpdated>().Any(e => e.Fields.Contains("system_prompt")));
    }

    /// <summary>Where the session does not know its prompt's digest, a context that sends a prompt carries the stored text; one that does not is a mistake of the caller.</summary>
    [Fact]
    public void Append_OfAPrompt_WithoutTheStoredTextTheSessionNeeds_Throws_AndChangesNothing()
    {
        var session = A.Session().WithPromptStoredBeforeDigests().Build();

        var refused = Assert.Throws<ArgumentException>(() => session.AppendMessages(new TranscriptContext(null, "m", "p"), [], Actor, Later));

        Assert.StartsWith("A context that sends a system prompt to a session that does not know its prompt's digest carries the stored prompt.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(SessionPrompt.UnknownDigest, session.SystemPromptDigest);
        Assert.NotEqual("m", session.Model);
        Assert.Empty(session.DomainEvents);
    }

    /// <summary>
    /// A digest is SHA-256 of the prompt's UTF-8 bytes, as PostgreSQL computes it in SQL (ADR 0074),
    /// whatever the prompt's length and wherever a character's bytes fall against the encoder's
    /// buffer (five bytes of <c>a😀</c> straddle every one of its boundaries).
    /// </summary>
    [Theory]
    [InlineData("", 0)]
    [InlineData("Be brief.", 1)]
    [InlineData("\u00e9", 5_000)]
    [InlineData("a\U0001F600", 2_000)]
    [InlineData("\u65e5\u672c\u8a9e", 2_000)]
    public void PromptDigests_AreSha256OfTheUtf8Bytes(string part, int times)
    {
        var text = string.Concat(Enumerable.Repeat(part, times));

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), SessionPrompt.DigestOf(text));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", SessionPrompt.EmptyDigest);
    }

    /// <summary>
    /// Text with an unpaired surrogate has no UTF-8 form, so no digest: replacing it would give two
    /// prompts one. (Built in code: an attribute's strings are stored as UTF-8, which has no such text.)
    /// </summary>
    [Fact]
    public void APromptWithAnUnpairedSurrogate_HasNoDigest()
    {
        string[] unpaired = ["a\ud800b", "a\ud800", "\udc00", string.Concat(Enumerable.Repeat("a\U0001F600", 2_000)) + "\ud800"];

        Assert.All(unpaired, text => Assert.Throws<System.Text.EncoderFallbackException>(() => SessionPrompt.DigestOf(text)));
    }

    [Fact]
    public void Append_OfNothingAtAll_ChangesNothing()
    {
        var session = A.Session().Build();

        var appended = session.AppendMessages(null, [], Actor, Later).Value;

        Assert.Empty(appended);
        Assert.Empty(session.DomainEvents);
        Assert.Equal((1L, SessionBuilder.Created), (session.Version, session.UpdatedAt));
    }

    [Fact]
    public void Append_RecordsTheActorAndTheSeqRange()
    {
        var session = A.Session().WithMessages(Draft.User("q")).Build();

        session.AppendMessages(null, [Draft.Assistant("a"), Draft.User("q2")], Actor, Later);

        var appended = Assert.IsType<TranscriptAppended>(Assert.Single(session.DomainEvents));
        Assert.Equal((session.Id, Actor, 2L, 3L, Later), (appended.AggregateId, appended.ActorId, appended.FirstSeq, appended.LastSeq, appended.OccurredAt));
        Assert.Equal((3L, Later, Later), (session.LastSeq, session.LastMessageAt!.Value, session.UpdatedAt));
    }

    [Fact]
    public void Preview_OfExactlyItsLength_IsTheWholeMessage()
    {
        var content = new string('a', FieldLimits.Preview - 1) + '\uD83D';
        var session = A.Session().WithMessages(Draft.User(content)).Build();

        Assert.Equal(content, session.PreviewText);
        Assert.Equal(1L, session.PreviewSeq);
    }

    [Fact]
    public void Preview_IsTakenOnce_FromTheFirstUserMessage()
    {
        var session = A.Session().WithMessages(Draft.System("rules"), Draft.Assistant("hi")).Build();
        Assert.Null(session.PreviewText);

        session.AppendMessages(null, [Draft.User("first"), Draft.User("second")], Actor, Later);

        Assert.Equal(("first", 3L), (session.PreviewText, session.PreviewSeq!.Value));
    }

    [Fact]
    public void Compact_UpToTheFirstMessage_IsAllowed_AndRecordsWhatItDid()
    {
        var session = A.Session().WithMessages(Draft.User("q"), Draft.Assistant("a")).Build();
        var compacted = new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0);

        var summary = session.Compact(1, compacted, Draft.System("s"), Actor, Later).Value;

        var events = session.DomainEvents;
        Assert.IsType<TranscriptAppended>(events[0]);
        var done = Assert.IsType<TranscriptCompacted>(events[1]);
        Assert.Equal((session.Id, Actor, 1L, 1L, summary.Seq, Later), (done.AggregateId, done.ActorId, done.UpToSeq, done.CompactedCount, done.SummarySeq, done.OccurredAt));
    }

    [Fact]
    public void Compact_MarksItsSummary_AsTheSummaryOfThatCompactionOnly()
    {
        var session = A.Session().WithMessages(Draft.User("q"), Draft.Assistant("a")).Build();

        var summary = session.Compact(2, new UsageTotals(2, 0, 0, 0, 0, 0, 0m, 0), Draft.System("s"), Actor, Later).Value;
        var appended = session.AppendMessages(null, [Draft.User("next")], Actor, Later).Value.Single();

        Assert.Equal(2L, summary.SummaryUpToSeq);
        Assert.True(summary.IsSummaryOf(2));
        Assert.False(summary.IsSummaryOf(1));
        Assert.Null(appended.SummaryUpToSeq);
        Assert.False(appended.IsSummaryOf(2));
    }

    [Fact]
    public void ASummaryIdTaken_SaysByWhichMessage_AndWhetherItIsAnotherCompactionsSummary()
    {
        var byAMessage = DomainErrors.SummaryIdTaken(4, null);
        var byASummary = DomainErrors.SummaryIdTaken(7, 3);

        Assert.Equal("The summary's id is already message seq 4 of this session, which is no compaction's summary; give the summary an id of its own.", byAMessage.Message);
        Assert.Equal("The summary's id is already the summary of the compaction up to seq 3 (message seq 7); a compaction up to another seq needs a summary with an id of its own.", byASummary.Message);
        Assert.Equal((ErrorType.AlreadyExists, nameof(DomainErrors.SummaryIdTaken)), (byASummary.Type, byASummary.Code));
    }

    [Fact]
    public void Compact_BeyondTheTranscript_IsRefusedByName_SayingWhereItEnds()
    {
        var empty = A.Session().Build();
        var two = A.Session().WithMessages(Draft.User("q"), Draft.Assistant("a")).Build();

        var onEmpty = empty.RefuseCompaction(1)!;
        var beyond = two.RefuseCompaction(3)!;

        Assert.Equal((nameof(DomainErrors.CompactionOutsideTheTranscript), ErrorType.Validation), (onEmpty.Code, onEmpty.Type));
        Assert.Equal("the transcript is empty", onEmpty.Message);
        Assert.Equal("must be between 1 and 2, the transcript's last seq", beyond.Message);
        Assert.Null(two.RefuseCompaction(2));
    }

    [Fact]
    public void Compact_OfAFrozenTranscript_IsRefusedAsFrozen_EvenInRange()
    {
        var session = A.Session().WithMessages(Draft.User("q"), Draft.Assistant("a")).Frozen().Build();

        Assert.Same(DomainErrors.SessionAlreadyFrozen, session.RefuseCompaction(1));
        Assert.Same(DomainErrors.SessionAlreadyFrozen, session.RefuseCompaction(5));
    }

    [Fact]
    public void Rewind_OfAFrozenWorkerSession_IsRefusedAsFrozenFirst()
    {
        var session = A.Session().StartedBy(SessionOrigin.Worker).Frozen().Build();
        var eval = A.Session().StartedBy(SessionOrigin.Eval).Build();

        Assert.Same(DomainErrors.SessionAlreadyFrozen, session.RefuseRewind());
        var refused = eval.RefuseRewind()!;
        Assert.Equal((nameof(DomainErrors.RewindNeedsAUserSession), "Only sessions of origin 'user' can be rewound; this one is 'eval'."), (refused.Code, refused.Message));
        Assert.Null(A.Session().Build().RefuseRewind());
    }

    [Fact]
    public void Rewind_ToTheFirstUserMessage_ClearsThePreview_AndRecordsTheRewind()
    {
        var session = A.Session().WithMessages(Draft.User("q1"), Draft.Assistant("a1", new MessageUsage(10, 5, 1, 2, 1m), 1)).Build();
        var removed = session.TotalUsage;
        var removedCurrent = new UsageTotals(1, 10, 5, 1, 2, 1, 1m, 0);

        var result = session.Rewind(new RewindPlan(1, MessageRole.User, false, "q1", removed, removedCurrent, null, null, null), Actor, Later);

        Assert.Null(result.Error);
        Assert.Equal((UsageTotals.Zero, (string?)null, (long?)null), (session.TotalUsage, session.PreviewText, session.PreviewSeq));
        Assert.Equal(new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0), session.CurrentUsage);
        Assert.Null(session.LastMessageAt);
        Assert.Null(session.LastGenerationInputTokens);
        Assert.Null(session.LastGenerationAt);
        var rewound = Assert.IsType<TranscriptRewound>(Assert.Single(session.DomainEvents));
        Assert.Equal((session.Id, Actor, 1L, 2L, Later), (rewound.AggregateId, rewound.ActorId, rewound.TargetSeq, rewound.DeletedCount, rewound.OccurredAt));
        Assert.Equal((3L, Later), (session.Version, session.UpdatedAt));
    }

    [Fact]
    public void Rewind_ToANonUserMessage_IsRefusedByName()
    {
        var session = A.Session().WithMessages(Draft.User("q"), Draft.Assistant("a")).Build();

        var result = session.Rewind(new RewindPlan(2, MessageRole.Assistant, false, "a", UsageTotals.Zero, UsageTotals.Zero, null, null, null), Actor, Later);

        Assert.Same(DomainErrors.RewindTargetNotAUserMessage, result.Error);
        Assert.Equal(2L, session.TotalUsage.MessageCount);
    }
}
