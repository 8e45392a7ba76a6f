using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;
using Sessions.Domain.Tests.Builders;

namespace Sessions.Domain.Tests.Sessions;

public sealed class SessionLifecycleTests
{
    private static readonly DateTime Created = SessionBuilder.Created;
    private static readonly DateTime Later = Created.AddMinutes(10);
    private static readonly Guid Owner = Guid.NewGuid();

    [Fact]
    public void Update_ChangedFields_RaisesOneEventNamingThem()
    {
        var session = A.Session().OwnedBy(Owner).Build();

        var result = session.Update(new SessionChanges(Title: "new", Model: "gpt-4o", MessageCount: 2), Owner, Later);

        Assert.True(((IResult)result).IsSuccess);
        var updated = Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents));
        Assert.Equal(["title", "message_count"], updated.Fields);
        Assert.Equal(Later, session.UpdatedAt);
    }

    [Fact]
    public void Update_TheSameLabelsInAnotherKeyOrder_ChangeNothing_ButAnotherValueOrderDoes()
    {
        var session = A.Session().OwnedBy(Owner).Labelled(new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["1", "2"], ["b"] = ["3"] }).Build();

        session.Update(new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["3"], ["a"] = ["1", "2", "1"] }), Owner, Later);

        Assert.Empty(session.DomainEvents);
        Assert.Equal(1, session.Version);

        session.Update(new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["2", "1"], ["b"] = ["3"] }), Owner, Later);
        Assert.Equal(["labels"], Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents)).Fields);

        session.ClearDomainEvents();
        session.Update(new SessionChanges(Labels: new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["2", "1"], ["c"] = ["3"] }), Owner, Later);
        Assert.Equal(["labels"], Assert.IsType<SessionUpdated>(Assert.Single(session.DomainEvents)).Fields);
    }

    [Fact]
    public void Update_Demotion_IsAConflictAndChangesNothing()
    {
        var session = A.Session().OwnedBy(Owner).Shared().Build();

        var result = session.Update(new SessionChanges(Title: "x", Visibility: SessionVisibility.Private), Owner, Later);

        Assert.Equal(ErrorType.Conflict, result.Error!.Type);
        Assert.Null(session.Title);
        Assert.Empty(session.DomainEvents);
        Assert.Equal(1, session.Version);
    }

    [Fact]
    public void Share_RecordsTheSharer_OnlyOnce()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var sharer = Guid.NewGuid();

        session.Share(sharer, Later);
        session.Share(Guid.NewGuid(), Later.AddHours(1));

        Assert.Equal((sharer, Later), (session.SharedBy!.Value, session.SharedAt!.Value));
        Assert.Single(session.DomainEvents.OfType<SessionShared>());
    }

    [Fact]
    public void ArchiveAndPin_AreIdempotent()
    {
        var session = A.Session().OwnedBy(Owner).Build();

        session.Archive(Owner, Later);
        session.Archive(Owner, Later.AddHours(1));
        session.Pin(Owner, Later);
        session.Pin(Owner, Later.AddHours(1));
        session.Unarchive(Owner, Later.AddHours(2));
        session.Unarchive(Owner, Later.AddHours(3));

        Assert.Null(session.ArchivedAt);
        Assert.Equal(Later, session.PinnedAt);
        Assert.Equal(3, session.DomainEvents.Count);
        Assert.Equal(4, session.Version);
    }

    [Fact]
    public void Delete_FrozenByEvaluation_IsRefused_FrozenByUser_IsAllowed()
    {
        var evidence = A.Session().OwnedBy(Owner).Build();
        evidence.Freeze(Guid.NewGuid(), FrozenBy.Evaluation, Later);
        var userFrozen = A.Session().OwnedBy(Owner).Build();
        userFrozen.Freeze(Owner, FrozenBy.User, Later);

        Assert.Equal(ErrorType.SessionFrozen, evidence.Delete(Owner, Later).Error!.Type);
        Assert.Null(userFrozen.Delete(Owner, Later).Error);
        Assert.Single(userFrozen.DomainEvents.OfType<SessionDeleted>());
        Assert.Empty(evidence.DomainEvents.OfType<SessionDeleted>());
    }
}
