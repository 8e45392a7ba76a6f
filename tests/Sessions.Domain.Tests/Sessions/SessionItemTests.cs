using Sessions.Domain.Common;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Domain.Tests.Sessions;

public sealed class SessionItemTests
{
    private static readonly DateTime Created = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Owner = Guid.NewGuid();
    private static readonly Guid Organization = Guid.NewGuid();

    [Fact]
    public void NewItem_IsRecorded_WithAnEvent()
    {
        var session = NewSession();

        var recorded = session.RecordItem(Draft("k1"), null, Organization, Owner, Created);

        Assert.True(recorded.Value.Created);
        Assert.Equal(("finding", "k1", session.Id, Organization), (recorded.Value.Item.ItemType, recorded.Value.Item.DedupeKey, recorded.Value.Item.SessionId, recorded.Value.Item.OrganizationId));
        var raised = Assert.IsType<SessionItemRecorded>(Assert.Single(session.DomainEvents));
        Assert.Equal(recorded.Value.Item.Id, raised.ItemId);
    }

    [Fact]
    public void RepeatedDedupeKey_AnswersTheStoredItem_AndRecordsNothing()
    {
        var session = NewSession();
        var stored = session.RecordItem(Draft("k1"), null, Organization, Owner, Created).Value.Item;
        session.ClearDomainEvents();

        var again = session.RecordItem(Draft("k1") with { Title = "other" }, stored, Organization, Owner, Created.AddMinutes(1));

        Assert.False(again.Value.Created);
        Assert.Same(stored, again.Value.Item);
        Assert.Empty(session.DomainEvents);
    }

    [Fact]
    public void FrozenSession_RefusesNewItems_ButAnswersARetryOfAStoredOne()
    {
        var session = NewSession();
        var stored = session.RecordItem(Draft("k1"), null, Organization, Owner, Created).Value.Item;
        session.Freeze(Owner, FrozenBy.User, Created.AddMinutes(1));
        session.ClearDomainEvents();

        var refused = session.RecordItem(Draft("k2"), null, Organization, Owner, Created.AddMinutes(2));
        var retried = session.RecordItem(Draft("k1"), stored, Organization, Owner, Created.AddMinutes(2));

        Assert.Equal(ErrorType.SessionFrozen, refused.Error!.Type);
        Assert.Same(stored, retried.Value.Item);
        Assert.Empty(session.DomainEvents);
    }

    [Fact]
    public void AStoredItemOfAnotherKeyOrSession_IsNotAnAnswer()
    {
        var session = NewSession();
        var stored = session.RecordItem(Draft("k1"), null, Organization, Owner, Created).Value.Item;
        var other = NewSession();

        Assert.Throws<ArgumentException>(() => session.RecordItem(Draft("k2"), stored, Organization, Owner, Created));
        Assert.Throws<ArgumentException>(() => session.RecordItem(Draft(null), stored, Organization, Owner, Created));
        Assert.Throws<ArgumentException>(() => other.RecordItem(Draft("k1"), stored, Organization, Owner, Created));
    }

    private static ItemDraft Draft(string? dedupeKey) =>
        new("finding", "{}", null, dedupeKey, null, null, ItemSource.Api, null, null, null, null, null, null);

    private static Session NewSession()
    {
        var session = Session.Create(
            new NewSession(Guid.NewGuid(), "gpt-4o", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Private, null, null, null),
            Guid.NewGuid(),
            Owner,
            Created);
        session.ClearDomainEvents();
        return session;
    }
}
