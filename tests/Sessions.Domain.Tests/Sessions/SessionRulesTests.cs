using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;
using Sessions.Domain.Tests.Builders;

namespace Sessions.Domain.Tests.Sessions;

/// <summary>The session's rules one by one: what each change records, and what it refuses by name.</summary>
public sealed class SessionRulesTests
{
    private static readonly DateTime Later = SessionBuilder.Created.AddMinutes(10);
    private static readonly Guid Owner = Guid.NewGuid();
    private static readonly Guid Actor = Guid.NewGuid();

    [Fact]
    public void Create_KeepsWhatTheClientChose()
    {
        var spec = new NewSession(Guid.NewGuid(), "model", "title", "agent", new Dictionary<string, IReadOnlyList<string>>(), 7, SessionOrigin.Eval, SessionVisibility.Private, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var workspace = Guid.NewGuid();

        var session = Session.Create(spec, workspace, Owner, Later);

        Assert.Equal((spec.Id, workspace, Owner), (session.Id, session.WorkspaceId, session.UserId));
        Assert.Equal(("title", "model", "agent", 7), (session.Title, session.Model, session.Agent, session.MessageCount));
        Assert.Equal((SessionOrigin.Eval, spec.ProjectId, spec.RuntimeId, spec.GroupId), (session.Origin, session.ProjectId, session.RuntimeId, session.GroupId));
        Assert.Equal((Later, Later), (session.CreatedAt, session.UpdatedAt));
        Assert.Equal((SessionVisibility.Private, (Guid?)null, (DateTime?)null), (session.Visibility, session.SharedBy, session.SharedAt));
        Assert.Equal((UsageTotals.Zero, UsageTotals.Zero, 0L), (session.TotalUsage, session.CurrentUsage, session.LastSeq));
        Assert.False(session.IsFrozen);
    }

    [Fact]
    public void Update_EveryField_IsNamedInOneEvent_InTheOrderOfTheSession()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var group = Guid.NewGuid();

        var result = session.Update(
            new SessionChanges("t", "m", "a", new Dictionary<string, IReadOnlyList<string>> { ["k"] = ["v"] }, 3, null, group),
            Actor,
            Later);

        Assert.True(((IResult)result).IsSuccess);
        var updated = Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents));
        Assert.Equal(["title", "model", "agent", "labels", "message_count", "group_id"], updated.Fields);
        Assert.Equal((session.Id, Actor, Later), (updated.AggregateId, updated.ActorId, updated.OccurredAt));
        Assert.Equal(("t", "m", "a", 3, group), (session.Title, session.Model, session.Agent, session.MessageCount, session.GroupId!.Value));
        Assert.Equal(["v"], SessionLabel.ToMap(session.Labels)["k"]);
        Assert.Equal((2L, Later), (session.Version, session.UpdatedAt));
    }

    /// <summary>A frozen session keeps what records how its transcript came about; a change of any of it is refused whole, title and labels included.</summary>
    [Theory]
    [InlineData("model")]
    [InlineData("agent")]
    [InlineData("message_count")]
    [InlineData("group_id")]
    public void Update_OfAFrozenSessionsRecord_IsRefusedWhole(string field)
    {
        var session = A.Session().Titled("t").Frozen().Build();
        session.ClearDomainEvents();
        var (model, agent, count, group, version) = (session.Model, session.Agent, session.MessageCount, session.GroupId, session.Version);
        var changes = field switch
        {
            "model" => new SessionChanges(Title: "new", Model: "another-model"),
            "agent" => new SessionChanges(Title: "new", Agent: "another-agent"),
            "message_count" => new SessionChanges(Title: "new", MessageCount: count + 1),
            _ => new SessionChanges(Title: "new", GroupId: Guid.NewGuid()),
        };

        var result = session.Update(changes, Actor, Later);

        Assert.Same(DomainErrors.FrozenSessionKeepsItsRecord, result.Error);
        Assert.Equal("The session is frozen: its model, agent, message count and group stay as they are; only its title, labels, visibility, pin and archive can change.", result.Error!.Message);
        Assert.Equal(("t", model, agent, count, group, version), (session.Title, session.Model, session.Agent, session.MessageCount, session.GroupId, session.Version));
        Assert.Empty(session.DomainEvents);
    }

    [Fact]
    public void Update_OfAFrozenSession_WithItsRecordAsItIs_ChangesTheRest()
    {
        var session = A.Session().Titled("t").Frozen().Build();

        var result = session.Update(new SessionChanges(Title: "new", Model: session.Model, Agent: session.Agent, MessageCount: session.MessageCount, GroupId: session.GroupId), Actor, Later);

        Assert.True(((IResult)result).IsSuccess);
        Assert.Equal("new", session.Title);
    }

    /// <summary>An empty agent is no agent: sent to a frozen session without one, it changes nothing of its record.</summary>
    [Fact]
    public void Update_OfAFrozenSessionWithoutAnAgent_WithAnEmptyAgent_ChangesTheRest()
    {
        var session = A.Session().Titled("t").Frozen().Build();
        Assert.Null(session.Agent);

        var result = session.Update(new SessionChanges(Title: "new", Agent: ""), Actor, Later);

        Assert.True(((IResult)result).IsSuccess);
        Assert.Equal(("new", (string?)null), (session.Title, session.Agent));
    }

    [Fact]
    public void Update_WithTheSameValues_ChangesNothing_AndRaisesNothing()
    {
        var labels = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "2"], ["b"] = ["3"] };
        var session = A.Session().Titled("t").Labelled(labels).Build();

        var result = session.Update(new SessionChanges("t", "gpt-4o", Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "2"], ["b"] = ["3"] }, MessageCount: 0), Actor, Later);

        Assert.Null(result.Error);
        Assert.Empty(session.DomainEvents);
        Assert.Equal((1L, SessionBuilder.Created), (session.Version, session.UpdatedAt));
    }

    /// <summary>A change is stamped at the clock's time, or a microsecond (10 ticks) after the session's last change when the clock reads no later.</summary>
    [Theory]
    [InlineData(600_000_000L, 600_000_000L)]
    [InlineData(10L, 10L)]
    [InlineData(0L, 10L)]
    [InlineData(-6_000_000_000L, 10L)]
    public void StampAfter_NeverGoesBackFromTheLastChange(long clockTicksAfterTheLastChange, long stampTicksAfterTheLastChange)
    {
        var session = A.Session().Build();
        session.Pin(Actor, Later);

        Assert.Equal(Later.AddTicks(stampTicksAfterTheLastChange), session.StampAfter(Later.AddTicks(clockTicksAfterTheLastChange)));
    }

    /// <summary>
    /// <see cref="Session.IsUnchangedBy"/> says beforehand what <see cref="Session.Update"/> does:
    /// true exactly when the update succeeds, raises nothing and keeps the version.
    /// </summary>
    [Theory]
    [InlineData("nothing sent", false, false, true)]
    [InlineData("every field as it is", false, false, true)]
    [InlineData("labels as they are, a value repeated", false, false, true)]
    [InlineData("an empty agent for none", false, false, true)]
    [InlineData("its visibility", false, false, true)]
    [InlineData("its visibility", true, false, true)]
    [InlineData("every field as it is", false, true, true)]
    [InlineData("another title", false, false, false)]
    [InlineData("another title", false, true, false)]
    [InlineData("another model", false, false, false)]
    [InlineData("another model", false, true, false)]
    [InlineData("an agent", false, false, false)]
    [InlineData("another label value", false, false, false)]
    [InlineData("another message count", false, false, false)]
    [InlineData("another group", false, false, false)]
    [InlineData("shared", false, false, false)]
    [InlineData("private", true, false, false)]
    public void IsUnchangedBy_TellsBeforehandWhetherUpdateChangesOrRefusesAnything(string sent, bool shared, bool frozen, bool unchanged)
    {
        var builder = A.Session().Titled("t").Labelled(new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "2"] });
        builder = shared ? builder.Shared() : builder;
        var session = (frozen ? builder.Frozen() : builder).Build();
        session.ClearDomainEvents();
        var version = session.Version;
        var changes = sent switch
        {
            "nothing sent" => new SessionChanges(),
            "every field as it is" => new SessionChanges("t", session.Model, session.Agent, new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "2"] }, session.MessageCount, session.Visibility, session.GroupId),
            "labels as they are, a value repeated" => new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "2", "1"] }),
            "an empty agent for none" => new SessionChanges(Agent: ""),
            "its visibility" => new SessionChanges(Visibility: session.Visibility),
            "another title" => new SessionChanges(Title: "u"),
            "another model" => new SessionChanges(Model: "another-model"),
            "an agent" => new SessionChanges(Agent: "coder"),
            "another label value" => new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "3"] }),
            "another message count" => new SessionChanges(MessageCount: session.MessageCount + 1),
            "another group" => new SessionChanges(GroupId: Guid.NewGuid()),
            "shared" => new SessionChanges(Visibility: SessionVisibility.Workspace),
            _ => new SessionChanges(Visibility: SessionVisibility.Private),
        };

        var said = session.IsUnchangedBy(changes);
        var result = session.Update(changes, Actor, Later);

        Assert.Equal(unchanged, said);
        Assert.Equal(said, result.Error is null && session.DomainEvents.Count == 0 && session.Version == version);
    }

    [Theory]
    [InlineData("a", "1", "b", "3")]
    [InlineData("a", "2", "b", "3")]
    [InlineData("a", "1", "a", "3")]
    [InlineData("a", "1", "c", "4")]
    [InlineData("a", "2", "c", "3")]
    public void Update_LabelsThatDifferInAKeyOrAValue_AreAChange(string firstKey, string firstValue, string secondKey, string secondValue)
    {
        var session = A.Session().Labelled(new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1"], ["c"] = ["3"] }).Build();
        var proposed = new Dictionary<string, IReadOnlyList<string>>();
        proposed[firstKey] = [firstValue];
        proposed[secondKey] = proposed.TryGetValue(secondKey, out var values) ? [.. values, secondValue] : [secondValue];

        session.Update(new SessionChanges(Labels: proposed), Actor, Later);

        Assert.Equal(["labels"], Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents)).Fields);
    }

    [Fact]
    public void Update_ToPrivate_OnAPrivateSession_IsNoConflict()
    {
        var session = A.Session().Build();

        var result = session.Update(new SessionChanges(Title: "t", Visibility: SessionVisibility.Private), Actor, Later);

        Assert.Null(result.Error);
        Assert.Equal("t", session.Title);
    }

    [Fact]
    public void Update_ToPrivate_OnASharedSession_IsRefusedByName()
    {
        var session = A.Session().Shared().Build();

        var result = session.Update(new SessionChanges(Visibility: SessionVisibility.Private), Actor, Later);

        Assert.Same(DomainErrors.SharedSessionCannotBecomePrivate, result.Error);
        Assert.Equal(ErrorType.Conflict, result.Error!.Type);
    }

    [Fact]
    public void Update_ToWorkspace_SharesTheSession_AsTheActor()
    {
        var session = A.Session().OwnedBy(Owner).Build();

        session.Update(new SessionChanges(Visibility: SessionVisibility.Workspace), Actor, Later);

        var shared = Assert.IsType<SessionShared>(Assert.Single(session.DomainEvents));
        Assert.Equal((Actor, Later), (shared.ActorId, shared.OccurredAt));
        Assert.Equal((SessionVisibility.Workspace, Actor, Later), (session.Visibility, session.SharedBy!.Value, session.SharedAt!.Value));
        Assert.Equal((2L, Later), (session.Version, session.UpdatedAt));
    }

    [Fact]
    public void PinThenUnpin_RecordsBoth_AndAnUnpinnedSessionUnpinsToNothing()
    {
        var session = A.Session().Build();

        session.Unpin(Actor, Later);
        session.Pin(Actor, Later);
        session.Unpin(Actor, Later.AddMinutes(1));
        session.Unpin(Actor, Later.AddMinutes(2));

        Assert.Null(session.PinnedAt);
        Assert.Collection(session.DomainEvents, e => Assert.IsType<SessionPinned>(e), e => Assert.Equal(Actor, Assert.IsType<SessionUnpinned>(e).ActorId));
        Assert.Equal((3L, Later.AddMinutes(1)), (session.Version, session.UpdatedAt));
    }

    [Fact]
    public void Archive_RecordsTheActorAndTime()
    {
        var session = A.Session().Build();

        session.Archive(Actor, Later);

        var archived = Assert.IsType<SessionArchived>(Assert.Single(session.DomainEvents));
        Assert.Equal((session.Id, Actor, Later), (archived.AggregateId, archived.ActorId, archived.OccurredAt));
        Assert.Equal((Later, 2L), (session.ArchivedAt!.Value, session.Version));
    }

    [Fact]
    public void Delete_RaisesSessionDeleted_WithTheWorkspace_AndRefusesEvaluationEvidenceByName()
    {
        var session = A.Session().Build();
        var evidence = A.Session().Frozen(FrozenBy.Evaluation).Build();

        var deleted = session.Delete(Actor, Later);
        var refused = evidence.Delete(Actor, Later);

        Assert.Null(deleted.Error);
        var raised = Assert.IsType<SessionDeleted>(Assert.Single(session.DomainEvents));
        Assert.Equal((session.Id, session.WorkspaceId, Actor, Later), (raised.AggregateId, raised.WorkspaceId, raised.ActorId, raised.OccurredAt));
        Assert.Same(DomainErrors.EvaluationEvidenceCannotBeDeleted, refused.Error);
    }

    [Fact]
    public void Freeze_RecordsTheWorkspace_ForTheTrail()
    {
        var session = A.Session().Build();

        session.Freeze(Actor, FrozenBy.User, Later);

        Assert.Equal(session.WorkspaceId, Assert.IsType<SessionFrozen>(Assert.Single(session.DomainEvents)).WorkspaceId);
    }

    [Fact]
    public void RecordItem_KeepsTheDraft_AndNamesTheActor()
    {
        var session = A.Session().Build();
        var organization = Guid.NewGuid();
        var draft = new ItemDraft("score", """{"v":1}""", "t", "k", "r", "s", ItemSource.Runtime, "c", "1.0", Guid.NewGuid(), "span", "trace", """{"d":1}""");

        var item = session.RecordItem(draft, null, organization, Actor, Later).Value.Item;

        Assert.Equal((session.Id, organization, Actor, Later), (item.SessionId, item.OrganizationId, item.CreatedBy!.Value, item.CreatedAt));
        Assert.Equal(("score", """{"v":1}""", "t", "k", "r", "s"), (item.ItemType, item.DataJson, item.Title, item.DedupeKey, item.Ref, item.SchemaRef));
        Assert.Equal((ItemSource.Runtime, "c", "1.0", draft.ProjectId, "span", "trace", """{"d":1}"""), (item.Source, item.Capability, item.CapabilityVersion, item.ProjectId, item.SpanId, item.TraceId, item.DispositionJson));
        var recorded = Assert.IsType<SessionItemRecorded>(Assert.Single(session.DomainEvents));
        Assert.Equal((Actor, item.Id, "score", Later), (recorded.ActorId, recorded.ItemId, recorded.ItemType, recorded.OccurredAt));
        Assert.Equal(2L, session.Version);
    }

    [Fact]
    public void RecordItem_WithAStoredItemOfAnotherKey_SaysWhatIsWrong()
    {
        var session = A.Session().Build();
        var stored = session.RecordItem(Draft.Item("k1"), null, Guid.NewGuid(), Actor, Later).Value.Item;

        var thrown = Assert.Throws<ArgumentException>(() => session.RecordItem(Draft.Item("k2"), stored, Guid.NewGuid(), Actor, Later));

        Assert.Equal("sameKey", thrown.ParamName);
        Assert.StartsWith("The stored item must be this session's item under the draft's dedupe key.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FrozenSession_RefusesNewItemsByName()
    {
        var session = A.Session().Frozen().Build();

        Assert.Same(DomainErrors.FrozenSessionTakesNoItems, session.RecordItem(Draft.Item(null), null, Guid.NewGuid(), Actor, Later).Error);
    }
}
