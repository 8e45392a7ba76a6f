using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;
using Sessions.Domain.Tests.Builders;

namespace Sessions.Domain.Tests.Sessions;

public sealed class SessionItemTests
{
    private static readonly DateTime Created = SessionBuilder.Created;
    private static readonly Guid Owner = Guid.NewGuid();
    private static readonly Guid Organization = Guid.NewGuid();

    [Fact]
    public void NewItem_IsRecorded_WithAnEvent()
    {
        var session = A.Session().OwnedBy(Owner).Build();

        var recorded = session.RecordItem(Draft.Item("k1"), null, Organization, Owner, Created);

        Assert.True(recorded.Value.Created);
        Assert.Equal(("finding", "k1", session.Id, Organization), (recorded.Value.Item.ItemType, recorded.Value.Item.DedupeKey, recorded.Value.Item.SessionId, recorded.Value.Item.OrganizationId));
        var raised = Assert.IsType<SessionItemRecorded>(Assert.Single(session.DomainEvents));
        Assert.Equal(recorded.Value.Item.Id, raised.ItemId);
    }

    /// <summary>A change stamped before the item and saved after it fails its version check (ADR 0031); the session's fields stay.</summary>
    [Fact]
    public void NewItem_MovesTheSessionsVersion_AndNothingElse()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var (version, updatedAt) = (session.Version, session.UpdatedAt);

        session.RecordItem(Draft.Item("k1"), null, Organization, Owner, Created.AddMinutes(1));

        Assert.Equal(version + 1, session.Version);
        Assert.Equal(updatedAt, session.UpdatedAt);
    }

    [Fact]
    public void RepeatedDedupeKey_AnswersTheStoredItem_AndRecordsNothing()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var stored = session.RecordItem(Draft.Item("k1"), null, Organization, Owner, Created).Value.Item;
        session.ClearDomainEvents();

        var again = session.RecordItem(Draft.Item("k1") with { Title = "other" }, stored, Organization, Owner, Created.AddMinutes(1));

        Assert.False(again.Value.Created);
        Assert.Same(stored, again.Value.Item);
        Assert.Empty(session.DomainEvents);
        Assert.Equal(2, session.Version);
    }

    [Fact]
    public void FrozenSession_RefusesNewItems_ButAnswersARetryOfAStoredOne()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var stored = session.RecordItem(Draft.Item("k1"), null, Organization, Owner, Created).Value.Item;
        session.Freeze(Owner, FrozenBy.User, Created.AddMinutes(1));
        session.ClearDomainEvents();

        var refused = session.RecordItem(Draft.Item("k2"), null, Organization, Owner, Created.AddMinutes(2));
        var retried = session.RecordItem(Draft.Item("k1"), stored, Organization, Owner, Created.AddMinutes(2));

        Assert.Equal(ErrorType.SessionFrozen, refused.Error!.Type);
        Assert.Same(stored, retried.Value.Item);
        Assert.Empty(session.DomainEvents);
    }

    [Fact]
    public void AStoredItemOfAnotherKeyOrSession_IsNotAnAnswer()
    {
        var session = A.Session().OwnedBy(Owner).Build();
        var stored = session.RecordItem(Draft.Item("k1"), null, Organization, Owner, Created).Value.Item;
        var other = A.Session().OwnedBy(Owner).Build();

        Assert.Throws<ArgumentException>(() => session.RecordItem(Draft.Item("k2"), stored, Organization, Owner, Created));
        Assert.Throws<ArgumentException>(() => session.RecordItem(Draft.Item(null), stored, Organization, Owner, Created));
        Assert.Throws<ArgumentException>(() => other.RecordItem(Draft.Item("k1"), stored, Organization, Owner, Created));
    }

}
