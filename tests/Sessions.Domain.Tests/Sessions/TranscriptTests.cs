using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Domain.Tests.Sessions;

public sealed class TranscriptTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Owner = Guid.NewGuid();

    [Fact]
    public void Append_NumbersFromOne_SumsUsage_AndTakesThePreviewFromTheFirstUserMessage()
    {
        var session = NewSession();

        var messages = session.AppendMessages(
            new TranscriptContext("agent", "model-2", "prompt"),
            [Draft(MessageRole.System, "rules"), Draft(MessageRole.User, new string('u', 300)), Draft(MessageRole.Assistant, "a", new MessageUsage(10, 2, 1, 0, 0.5m), 2), Draft(MessageRole.User, "later")],
            Owner,
            Now).Value;

        Assert.Equal([1L, 2L, 3L, 4L], messages.Select(m => m.Seq));
        Assert.Equal(new UsageTotals(4, 10, 2, 1, 0, 2, 0.5m, 0), session.TotalUsage);
        Assert.Equal(session.TotalUsage, session.CurrentUsage);
        Assert.Equal(10, session.LastGenerationInputTokens);
        Assert.Equal(new string('u', Session.PreviewLength), session.PreviewText);
        Assert.Equal(("agent", "model-2", "prompt"), (session.Agent, session.Model, session.SystemPrompt));
        Assert.Equal(Now, session.LastMessageAt);
        var appended = Assert.IsType<TranscriptAppended>(Assert.Single(session.DomainEvents));
        Assert.Equal((1L, 4L), (appended.FirstSeq, appended.LastSeq));
    }

    [Fact]
    public void Preview_NeverCutsASurrogatePairInHalf()
    {
        var session = NewSession();
        var content = new string('a', Session.PreviewLength - 1) + "😀tail";

        session.AppendMessages(null, [Draft(MessageRole.User, content)], Owner, Now);

        Assert.Equal(new string('a', Session.PreviewLength - 1), session.PreviewText);
    }

    [Fact]
    public void Append_ToAFrozenSession_IsRefusedAndChangesNothing()
    {
        var session = NewSession();
        session.Freeze(Owner, FrozenBy.User, Now);

        var result = session.AppendMessages(null, [Draft(MessageRole.User, "x")], Owner, Now);

        Assert.Equal(ErrorType.SessionFrozen, result.Error!.Type);
        Assert.Equal(0, session.LastSeq);
    }

    [Fact]
    public void Compact_MovesTheCompactedSumsOutOfTheCurrentEra_AndAppendsTheSummary()
    {
        var session = NewSession();
        session.AppendMessages(null, [Draft(MessageRole.User, "q"), Draft(MessageRole.Assistant, "a", new MessageUsage(100, 10, 0, 0, 1m))], Owner, Now);
        var compacted = new UsageTotals(2, 100, 10, 0, 0, 0, 1m, 0);

        var summary = session.Compact(2, compacted, Draft(MessageRole.System, "summary"), Owner, Now).Value;

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
        var session = NewSession();
        session.AppendMessages(null, [Draft(MessageRole.User, "q"), Draft(MessageRole.Assistant, "a")], Owner, Now);

        Assert.Equal(ErrorType.Validation, session.Compact(upToSeq, UsageTotals.Zero, Draft(MessageRole.System, "s"), Owner, Now).Error!.Type);
    }

    [Fact]
    public void Rewind_SubtractsTheRemovedMessages_AndKeepsSeqGrowing()
    {
        var session = NewSession();
        session.AppendMessages(null, [Draft(MessageRole.User, "q1"), Draft(MessageRole.Assistant, "a1", new MessageUsage(5, 1, 0, 0, null)), Draft(MessageRole.User, "q2")], Owner, Now);
        var removed = new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0);

        var result = session.Rewind(new RewindPlan(3, MessageRole.User, false, "q2", removed, removed, 5, Now), Owner, Now);
        var next = session.AppendMessages(null, [Draft(MessageRole.User, "q2'")], Owner, Now).Value.Single();

        Assert.Null(result.Error);
        Assert.Equal(4, next.Seq);
        Assert.Equal(3, session.TotalUsage.MessageCount);
        Assert.Null(session.TotalUsage.KnownCostUsd);
        Assert.Equal("q1", session.PreviewText);
    }

    [Fact]
    public void Rewind_RefusesFrozenSessionsNonUserOriginsAndNonUserOrCompactedTargets()
    {
        var frozen = NewSession();
        frozen.Freeze(Owner, FrozenBy.User, Now);
        var worker = NewSession(SessionOrigin.Worker);
        var plain = NewSession();
        var assistantTarget = new RewindPlan(1, MessageRole.Assistant, false, "a", UsageTotals.Zero, UsageTotals.Zero, null, null);
        var compactedTarget = new RewindPlan(1, MessageRole.User, true, "q", UsageTotals.Zero, UsageTotals.Zero, null, null);

        Assert.Equal(ErrorType.SessionFrozen, frozen.RefuseRewind()!.Type);
        Assert.Equal(ErrorType.Conflict, worker.RefuseRewind()!.Type);
        Assert.Equal(ErrorType.Validation, plain.Rewind(assistantTarget, Owner, Now).Error!.Type);
        Assert.Equal(ErrorType.Validation, plain.Rewind(compactedTarget, Owner, Now).Error!.Type);
    }

    private static Session NewSession(SessionOrigin origin = SessionOrigin.User)
    {
        var session = Session.Create(
            new NewSession(Guid.NewGuid(), "model", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, origin, SessionVisibility.Private, null, null, null),
            Guid.NewGuid(),
            Owner,
            Now.AddHours(-1));
        session.ClearDomainEvents();
        return session;
    }

    private static MessageDraft Draft(MessageRole role, string content, MessageUsage? usage = null, int toolCalls = 0) =>
        new(null, role, content, null, null, [.. Enumerable.Range(0, toolCalls).Select(i => new ToolCall($"c{i}", "f", "{}"))], null, usage);
}
