using Sessions.Domain.Sessions;
using Sessions.Domain.Tests.Builders;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Domain.Tests.Sessions;

public sealed class SessionTests
{
    private static readonly DateTime Created = SessionBuilder.Created;
    private static readonly Guid Owner = Guid.NewGuid();

    [Fact]
    public void Create_RaisesSessionCreatedAndStartsAtVersionOne()
    {
        var session = A.Session().OwnedBy(Owner).KeepingEvents().Build();

        var created = Assert.IsType<SessionCreated>(Assert.Single(session.DomainEvents));
        Assert.Equal(session.Id, created.AggregateId);
        Assert.Equal(1, session.Version);
        Assert.Equal(Created, session.UpdatedAt);
    }

    /// <summary>A session created shared raises its share after its creation, by its owner, at its creation's time; a private one raises none.</summary>
    [Fact]
    public void Create_Shared_RaisesSessionSharedAfterSessionCreated()
    {
        NewSession Spec(SessionVisibility visibility) =>
            new(Guid.NewGuid(), "m", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, visibility, null, null, null);

        var shared = Session.Create(Spec(SessionVisibility.Workspace), Guid.NewGuid(), Owner, Created);
        var kept = Session.Create(Spec(SessionVisibility.Private), Guid.NewGuid(), Owner, Created);

        Assert.Collection(
            shared.DomainEvents,
            first => Assert.IsType<SessionCreated>(first),
            second => Assert.Equal(new SessionShared(shared.Id, Owner, Created), second));
        Assert.IsType<SessionCreated>(Assert.Single(kept.DomainEvents));
    }

    /// <summary>An empty agent is no agent, on creation, in a change (which clears it) and in an append's context.</summary>
    [Fact]
    public void AnEmptyAgent_IsNoAgent_OnCreation_InAChange_AndInAContext()
    {
        var created = Session.Create(new NewSession(Guid.NewGuid(), "m", null, "", new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Private, null, null, null), Guid.NewGuid(), Owner, Created);
        var changed = A.Session().OwnedBy(Owner).Build();
        changed.Update(new SessionChanges(Agent: "coder"), Owner, Created);
        var version = changed.Version;
        changed.Update(new SessionChanges(Agent: ""), Owner, Created);
        var repeated = changed.Version;
        changed.Update(new SessionChanges(Agent: ""), Owner, Created);
        var contexted = A.Session().OwnedBy(Owner).Build();
        contexted.AppendMessages(new TranscriptContext("coder", "m", null), [Draft.Message(MessageRole.User, "q")], Owner, Created);
        var named = contexted.Agent;
        contexted.AppendMessages(new TranscriptContext("", "m", null), [Draft.Message(MessageRole.User, "q")], Owner, Created);

        Assert.Null(created.Agent);
        Assert.Null(changed.Agent);
        Assert.Equal((version + 1, repeated), (repeated, changed.Version));
        Assert.Equal("coder", named);
        Assert.Null(contexted.Agent);
    }

    [Fact]
    public void Create_Shared_RecordsSharerAndTime()
    {
        var session = A.Session().OwnedBy(Owner).Shared().Build();

        Assert.Equal(Owner, session.SharedBy);
        Assert.Equal(Created, session.SharedAt);
    }

    [Fact]
    public void Create_DropsDuplicateLabelValuesAndKeepsOrder()
    {
        var session = A.Session().Labelled(new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["2", "1", "2"], ["a"] = ["x"] }).Build();

        var map = SessionLabel.ToMap(session.Labels);

        Assert.Equal(["b", "a"], map.Keys);
        Assert.Equal(["2", "1"], map["b"]);
    }

    [Fact]
    public void TheLabelMap_IsTheRowsMap_FromTheCreateAndFromEachChangeOfTheLabels()
    {
        var session = A.Session().Labelled(new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["2", "1", "2"], ["a"] = ["x"] }).Build();

        Assert.Equal(["b", "a"], session.LabelMap.Keys);
        Assert.Equal(["2", "1"], session.LabelMap["b"]);
        Assert.Equal(["x"], session.LabelMap["a"]);

        // The same labels in another key order change nothing; other labels replace map and rows alike.
        var same = new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["x"], ["b"] = ["2", "1"] });
        Assert.True(session.IsUnchangedBy(same));
        var kept = session.LabelMap;
        session.Update(same, Owner, Created);
        Assert.Same(kept, session.LabelMap);

        session.Update(new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["c"] = ["y", "z"] }), Owner, Created);
        Assert.Equal(["c"], session.LabelMap.Keys);
        Assert.Equal(["y", "z"], session.LabelMap["c"]);
        Assert.Equal(SessionLabel.ToMap(session.Labels), session.LabelMap);

        session.Update(new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>>()), Owner, Created);
        Assert.Empty(session.LabelMap);
        Assert.Empty(session.Labels);
        Assert.Empty(A.Session().Build().LabelMap);
    }

    /// <summary>
    /// A session loaded without its label rows (for any change but one of its labels) answers with
    /// its map and changes everything else, its labels sent as they are too, and refuses a change
    /// of its labels, which would leave its stored rows beside the new ones, before it changes
    /// anything.
    /// </summary>
    [Fact]
    public void WithoutItsLabelRows_ASessionChangesAllButItsLabels()
    {
        var session = A.Session().Labelled(new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["x"] }).Build();
        typeof(Session).GetField("_labels", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.SetValue(session, null);

        Assert.Null(session.Update(new SessionChanges("renamed"), Owner, Created).Error);
        Assert.Equal("renamed", session.Title);
        Assert.Equal(["x"], session.LabelMap["a"]);
        Assert.Contains("label rows", Assert.Throws<InvalidOperationException>(() => session.Labels).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => session.Update(new SessionChanges("again", Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["y"] }), Owner, Created));
        Assert.Equal(["x"], session.LabelMap["a"]);
        Assert.Equal("renamed", session.Title);
        Assert.Null(session.Update(new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["x"] }), Owner, Created).Error);
    }

    [Fact]
    public void ToMap_ReadsRowsInTheirStoredOrderWhateverTheOrderGiven()
    {
        // As a database may return them: not by position, one key's values not side by side.
        SessionLabel[] rows = [new("b", "late", 3), new("a", "x", 1), new("b", "first", 0), new("c", "y", 2)];

        var map = SessionLabel.ToMap(rows);

        Assert.Equal(["b", "a", "c"], map.Keys);
        Assert.Equal(["first", "late"], map["b"]);
        Assert.Equal(["x"], map["a"]);
    }

    [Fact]
    public void Freeze_RaisesExactlyOneSessionFrozen()
    {
        var session = A.Session().Build();
        var actor = Guid.NewGuid();
        var at = Created.AddMinutes(5);

        session.Freeze(actor, FrozenBy.Evaluation, at);

        var frozen = Assert.IsType<SessionFrozen>(Assert.Single(session.DomainEvents));
        Assert.Equal((session.Id, actor, FrozenBy.Evaluation, at), (frozen.AggregateId, frozen.ActorId, frozen.FrozenBy, frozen.OccurredAt));
        Assert.Equal(at, session.FrozenAt);
        Assert.Equal(FrozenBy.Evaluation, session.FrozenBy);
        Assert.Equal(2, session.Version);
        Assert.True(session.IsFrozen);
    }

    [Fact]
    public void Freeze_WhenAlreadyFrozen_RaisesNothingAndKeepsFrozenAtAndFrozenBy()
    {
        var session = A.Session().Build();
        var first = Created.AddMinutes(5);
        session.Freeze(Guid.NewGuid(), FrozenBy.User, first);
        session.ClearDomainEvents();

        session.Freeze(Guid.NewGuid(), FrozenBy.Evaluation, first.AddHours(1));

        Assert.Empty(session.DomainEvents);
        Assert.Equal(first, session.FrozenAt);
        Assert.Equal(FrozenBy.User, session.FrozenBy);
        Assert.Equal(first, session.UpdatedAt);
        Assert.Equal(2, session.Version);
    }

}
