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

    [Fact]
    public void Append_WithAContextThatOmitsAgentAndPrompt_KeepsThem()
    {
        var session = A.Session().Build();
        session.AppendMessages(new TranscriptContext("agent-1", "m1", "prompt-1"), [], Actor, Later);

        session.AppendMessages(new TranscriptContext(null, "m2", null), [], Actor, Later);

        Assert.Equal(("agent-1", "m2", "prompt-1"), (session.Agent, session.Model, session.SystemPrompt));
        session.AppendMessages(new TranscriptContext("agent-2", "m3", "prompt-2"), [], Actor, Later);
        Assert.Equal(("agent-2", "m3", "prompt-2"), (session.Agent, session.Model, session.SystemPrompt));
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
        Assert.Equal(("a", "m", "prompt"), (session.Agent, session.Model, session.SystemPrompt));
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

        var result = session.Rewind(new RewindPlan(1, MessageRole.User, false, "q1", removed, removedCurrent, null, null), Actor, Later);

        Assert.Null(result.Error);
        Assert.Equal((UsageTotals.Zero, (string?)null, (long?)null), (session.TotalUsage, session.PreviewText, session.PreviewSeq));
        Assert.Equal(new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0), session.CurrentUsage);
        Assert.Null(session.LastMessageAt);
        Assert.Null(session.LastGenerationInputTokens);
        var rewound = Assert.IsType<TranscriptRewound>(Assert.Single(session.DomainEvents));
        Assert.Equal((session.Id, Actor, 1L, 2L, Later), (rewound.AggregateId, rewound.ActorId, rewound.TargetSeq, rewound.DeletedCount, rewound.OccurredAt));
        Assert.Equal((3L, Later), (session.Version, session.UpdatedAt));
    }

    [Fact]
    public void Rewind_ToANonUserMessage_IsRefusedByName()
    {
        var session = A.Session().WithMessages(Draft.User("q"), Draft.Assistant("a")).Build();

        var result = session.Rewind(new RewindPlan(2, MessageRole.Assistant, false, "a", UsageTotals.Zero, UsageTotals.Zero, null, null), Actor, Later);

        Assert.Same(DomainErrors.RewindTargetNotAUserMessage, result.Error);
        Assert.Equal(2L, session.TotalUsage.MessageCount);
    }
}
