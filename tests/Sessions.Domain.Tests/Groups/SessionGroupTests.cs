using Sessions.Domain.Common;
using Sessions.Domain.Groups;

namespace Sessions.Domain.Tests.Groups;

public sealed class SessionGroupTests
{
    private static readonly DateTime Created = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Later = Created.AddMinutes(10);
    private static readonly DateTime Latest = Created.AddMinutes(20);
    private static readonly Guid Creator = Guid.NewGuid();

    [Fact]
    public void Create_Running_HasNoCompletedAt_AndRaisesCreated()
    {
        var group = NewGroup(GroupStatus.Running, clearEvents: false);

        Assert.Null(group.CompletedAt);
        Assert.False(group.IsFinished);
        var created = Assert.IsType<SessionGroupCreated>(Assert.Single(group.DomainEvents));
        Assert.Equal(Creator, created.ActorId);
        Assert.Equal(GroupStatus.Running, created.Status);
    }

    [Theory]
    [InlineData(GroupStatus.Completed)]
    [InlineData(GroupStatus.Failed)]
    [InlineData(GroupStatus.Cancelled)]
    public void Create_Finished_IsCompletedAtCreation(GroupStatus status)
    {
        var group = NewGroup(status);

        Assert.True(group.IsFinished);
        Assert.Equal(Created, group.CompletedAt);
    }

    [Theory]
    [InlineData(GroupStatus.Completed)]
    [InlineData(GroupStatus.Failed)]
    [InlineData(GroupStatus.Cancelled)]
    public void Finishing_StampsCompletedAt_AndRaisesStatusChanged(GroupStatus status)
    {
        var group = NewGroup();

        var result = group.Update(new GroupChanges(Status: status), Creator, Later);

        Assert.True(((IResult)result).IsSuccess);
        Assert.Equal(status, group.Status);
        Assert.Equal(Later, group.CompletedAt);
        Assert.Equal(Later, group.UpdatedAt);
        Assert.Equal(2, group.Version);
        var changed = Assert.IsType<SessionGroupStatusChanged>(Assert.Single(group.DomainEvents));
        Assert.Equal((GroupStatus.Running, status), (changed.From, changed.To));
    }

    [Fact]
    public void SameStatusAgain_ChangesNothing()
    {
        var group = NewGroup();
        group.Update(new GroupChanges(Status: GroupStatus.Completed), Creator, Later);
        group.ClearDomainEvents();

        var result = group.Update(new GroupChanges(Status: GroupStatus.Completed), Creator, Latest);

        Assert.True(((IResult)result).IsSuccess);
        Assert.Equal(Later, group.CompletedAt);
        Assert.Equal(Later, group.UpdatedAt);
        Assert.Equal(2, group.Version);
        Assert.Empty(group.DomainEvents);
    }

    [Theory]
    [InlineData(GroupStatus.Completed, GroupStatus.Running)]
    [InlineData(GroupStatus.Completed, GroupStatus.Failed)]
    [InlineData(GroupStatus.Failed, GroupStatus.Cancelled)]
    [InlineData(GroupStatus.Cancelled, GroupStatus.Running)]
    public void FinishedGroup_RefusesAnotherStatus_AndChangesNothingElse(GroupStatus finished, GroupStatus next)
    {
        var group = NewGroup(finished);

        var result = group.Update(new GroupChanges(Title: "renamed", Status: next), Creator, Later);

        Assert.Equal(ErrorType.Conflict, result.Error!.Type);
        Assert.Equal(finished, group.Status);
        Assert.Equal("run", group.Title);
        Assert.Equal(Created, group.CompletedAt);
        Assert.Equal(1, group.Version);
        Assert.Empty(group.DomainEvents);
    }

    [Fact]
    public void TitleAndMetadata_RaiseOneUpdateNamingThem_AndUnchangedValuesRaiseNothing()
    {
        var group = NewGroup();

        group.Update(new GroupChanges(Title: "renamed", MetadataJson: """{"a":1}"""), Creator, Later);
        var updated = Assert.IsType<SessionGroupUpdated>(Assert.Single(group.DomainEvents));
        group.ClearDomainEvents();
        group.Update(new GroupChanges(Title: "renamed", MetadataJson: """{"a":1}"""), Creator, Latest);

        Assert.Equal(["title", "metadata"], updated.Fields);
        Assert.Equal(("renamed", """{"a":1}"""), (group.Title, group.MetadataJson));
        Assert.Null(group.CompletedAt);
        Assert.Equal(Later, group.UpdatedAt);
        Assert.Empty(group.DomainEvents);
    }

    private static SessionGroup NewGroup(GroupStatus status = GroupStatus.Running, bool clearEvents = true)
    {
        var group = SessionGroup.Create(
            new NewGroup(GroupKind.Workflow, Guid.NewGuid(), "run", status, null, null, null, null, null, null, null, null),
            Guid.NewGuid(),
            Creator,
            Created);
        if (clearEvents)
        {
            group.ClearDomainEvents();
        }

        return group;
    }
}
