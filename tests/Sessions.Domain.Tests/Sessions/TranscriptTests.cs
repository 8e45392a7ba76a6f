using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;
using Sessions.Domain.Tests.Builders;

namespace Sessions.Domain.Tests.Sessions;

public sealed class TranscriptTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Owner = Guid.NewGuid();

    [Fact]
    public void Append_NumbersFromOne_SumsUsage_AndTakesThePreviewFromTheFirstUserMessage()
    {
        var session = A.Session().OwnedBy(Owner).Build();

        var messages = session.AppendMessages(
            new TranscriptContext("agent", "model-2", "prompt"),
            [Draft.Message(MessageRole.System, "rules"), Draft.Message(MessageRole.User, new string('u', 300)), Draft.Message(MessageRole.Assistant, "a", new MessageUsage(10, 2, 1, 0, 0.5m), 2), Draft.Message(MessageRole.User, "later")],
            Owner,
            Now).Value;

        Assert.Equal([1L, 2L, 3L, 4L], messages.Select(m => m.Seq));
        Assert.Equal(new UsageTotals(4, 10, 2, 1, 0, 2, 0.5m, 0), session.TotalUsage);
        Assert.Equal(session.TotalUsage, session.CurrentUsage);
        Assert.Equal(10, session.LastGenerationInputTokens);
        Assert.Equal(new string('u', FieldLimits.Preview), session.PreviewText);
        Assert.Equal(("agent", "model-2"), (session.Agent, session.Model));
        Assert.Equal(SessionPrompt.DigestOf("prompt"), session.SystemPromptDigest);
        Assert.Equal(Now, session.LastMessageAt);
        Assert.Equal(["agent", "model", "system_prompt"], Assert.IsType<SessionUpdated>(session.DomainEvents[0]).Fields);
        var appended = Assert.IsType<TranscriptAppended>(session.DomainEvents[1]);
        Assert.Equal((1L, 4L), (appended.FirstSeq, appended.LastSeq));
        Assert.Equal(2, session.DomainEvents.Count);
    }

    [Fact]
    public void Preview_NeverCutsASurrogatePairInHalf()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var content = new string('a', FieldLimits.Preview - 1) + "😀tail";

        session.AppendMessages(null, [Draft.Message(MessageRole.User, content)], Owner, Now);

        Assert.Equal(new string('a', FieldLimits.Preview - 1), session.PreviewText);
    }

    /// <summary>A letter with its accent, or an emoji sequence, is one character to a reader: the preview ends before one that does not fit whole.</summary>
    [Theory]
    [InlineData("e\u0301")]
    [InlineData("\U0001F469\u200D\U0001F4BB")]
    [InlineData("\U0001F1EB\U0001F1F7")]
    public void Preview_NeverCutsACharacterOfSeveralCodePoints(string character)
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var content = new string('a', FieldLimits.Preview - 1) + character + "tail";

        session.AppendMessages(null, [Draft.Message(MessageRole.User, content)], Owner, Now);

        Assert.Equal(new string('a', FieldLimits.Preview - 1), session.PreviewText);
    }

    [Fact]
    public void Preview_EndsAtTheLastWholeCharacterThatFits_AndAFirstCharacterLongerThanThePreviewIsCut()
    {
        var accented = A.Session().OwnedBy(Owner).Build();
        var long1 = A.Session().OwnedBy(Owner).Build();
        var long2 = A.Session().OwnedBy(Owner).Build();
        var marks = new string('\u0301', FieldLimits.Preview + 10);

        accented.AppendMessages(null, [Draft.Message(MessageRole.User, string.Concat(Enumerable.Repeat("e\u0301", FieldLimits.Preview)))], Owner, Now);
        long1.AppendMessages(null, [Draft.Message(MessageRole.User, "e" + marks)], Owner, Now);
        long2.AppendMessages(null, [Draft.Message(MessageRole.User, "e" + marks[..(FieldLimits.Preview - 2)] + "\U0001D167" + marks)], Owner, Now);

        Assert.Equal(string.Concat(Enumerable.Repeat("e\u0301", FieldLimits.Preview / 2)), accented.PreviewText);
        Assert.Equal(("e" + marks)[..FieldLimits.Preview], long1.PreviewText);
        Assert.Equal("e" + marks[..(FieldLimits.Preview - 2)], long2.PreviewText);
    }

    [Fact]
    public void Append_ToAFrozenSession_IsRefusedAndChangesNothing()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        session.Freeze(Owner, FrozenBy.User, Now);

        var result = session.AppendMessages(null, [Draft.Message(MessageRole.User, "x")], Owner, Now);

        Assert.Equal(ErrorType.SessionFrozen, result.Error!.Type);
        Assert.Equal(0, session.LastSeq);
    }

    [Fact]
    public void Compact_MovesTheCompactedSumsOutOfTheCurrentEra_AndAppendsTheSummary()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        session.AppendMessages(null, [Draft.Message(MessageRole.User, "q"), Draft.Message(MessageRole.Assistant, "a", new MessageUsage(100, 10, 0, 0, 1m))], Owner, Now);
        var compacted = new UsageTotals(2, 100, 10, 0, 0, 0, 1m, 0);

        var summary = session.Compact(2, compacted, Draft.Message(MessageRole.System, "summary"), Owner, Now).Value;

        Assert.Equal(3, summary.Seq);
        Assert.Equal(new UsageTotals(3, 100, 10, 0, 0, 0, 1m, 0), session.TotalUsage);
        Assert.Equal(new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0), session.CurrentUsage);
        Assert.Single(session.DomainEvents.OfType<TranscriptCompacted>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Compact_OutsideTheTranscript_IsAValidationError(long upToSeq)
    {
        var session = A.Session().OwnedBy(Owner).Build();
        session.AppendMessages(null, [Draft.Message(MessageRole.User, "q"), Draft.Message(MessageRole.Assistant, "a")], Owner, Now);

        Assert.Equal(ErrorType.Validation, session.Compact(upToSeq, UsageTotals.Zero, Draft.Message(MessageRole.System, "s"), Owner, Now).Error!.Type);
    }

    [Fact]
    public void Rewind_SubtractsTheRemovedMessages_AndKeepsSeqGrowing()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        session.AppendMessages(null, [Draft.Message(MessageRole.User, "q1"), Draft.Message(MessageRole.Assistant, "a1", new MessageUsage(5, 1, 0, 0, null)), Draft.Message(MessageRole.User, "q2")], Owner, Now);
        var removed = new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0);

        var generatedAt = Now.AddMinutes(-3);
        var result = session.Rewind(new RewindPlan(3, MessageRole.User, false, "q2", removed, removed, 5, generatedAt, Now), Owner, Now);
        var next = session.AppendMessages(null, [Draft.Message(MessageRole.User, "q2'")], Owner, Now).Value.Single();

        Assert.Null(result.Error);
        Assert.Equal(4, next.Seq);
        Assert.Equal(3, session.TotalUsage.MessageCount);
        Assert.Null(session.TotalUsage.KnownCostUsd);
        Assert.Equal("q1", session.PreviewText);
        Assert.Equal((5L, generatedAt), (session.LastGenerationInputTokens, session.LastGenerationAt));
    }

    /// <summary>A rewind that removes a compaction's summary brings the messages it stood for back into the current era; the lifetime keeps them as it did.</summary>
    [Fact]
    public void Rewind_PastACompactionsSummary_MakesWhatItCompactedCurrentAgain()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        session.AppendMessages(null, [Draft.Message(MessageRole.User, "q1"), Draft.Message(MessageRole.Assistant, "a1", new MessageUsage(10, 1, 0, 0, 1m)), Draft.Message(MessageRole.User, "q2")], Owner, Now);
        var compacted = new UsageTotals(2, 10, 1, 0, 0, 0, 1m, 0);
        session.Compact(2, compacted, Draft.Message(MessageRole.System, "s"), Owner, Now);
        var removed = new UsageTotals(2, 0, 0, 0, 0, 0, 0m, 0);

        var result = session.Rewind(new RewindPlan(3, MessageRole.User, false, "q2", removed, removed, 10, Now, Now) { Restored = compacted }, Owner, Now);

        Assert.Null(result.Error);
        Assert.Equal((2L, 10L, 1m), (session.CurrentUsage.MessageCount, session.CurrentUsage.InputTokens, session.CurrentUsage.KnownCostUsd!.Value));
        Assert.Equal(2, session.TotalUsage.MessageCount);
    }

    [Fact]
    public void TheLastGeneration_IsTheNewestMessageCarryingUsage_NotTheNewestMessage()
    {
        var session = A.Session().OwnedBy(Owner).Build();

        session.AppendMessages(null, [Draft.Message(MessageRole.Assistant, "a", new MessageUsage(10, 1, 0, 0, null))], Owner, Now);
        session.AppendMessages(null, [Draft.Message(MessageRole.User, "q")], Owner, Now.AddMinutes(1));

        Assert.Equal((10L, (DateTime?)Now), (session.LastGenerationInputTokens, session.LastGenerationAt));
        Assert.Equal(Now.AddMinutes(1), session.LastMessageAt);
    }

    [Fact]
    public void Rewind_RefusesFrozenSessionsNonUserOriginsAndNonUserOrCompactedTargets()
    {
        var frozen = A.Session().OwnedBy(Owner).Build();
        frozen.Freeze(Owner, FrozenBy.User, Now);
        var worker = A.Session().OwnedBy(Owner).StartedBy(SessionOrigin.Worker).Build();
        var plain = A.Session().OwnedBy(Owner).Build();
        var assistantTarget = new RewindPlan(1, MessageRole.Assistant, false, "a", UsageTotals.Zero, UsageTotals.Zero, null, null, null);
        var compactedTarget = new RewindPlan(1, MessageRole.User, true, "q", UsageTotals.Zero, UsageTotals.Zero, null, null, null);

        Assert.Equal(ErrorType.SessionFrozen, frozen.RefuseRewind()!.Type);
        Assert.Equal(ErrorType.Conflict, worker.RefuseRewind()!.Type);
        Assert.Equal(ErrorType.Validation, plain.Rewind(assistantTarget, Owner, Now).Error!.Type);
        Assert.Equal(ErrorType.Validation, plain.Rewind(compactedTarget, Owner, Now).Error!.Type);
    }
}
