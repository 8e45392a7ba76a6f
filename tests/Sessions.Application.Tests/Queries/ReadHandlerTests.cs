using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Security;
using Sessions.Application.Events;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Queries;

/// <summary>Paging and the visibility of what the read handlers answer.</summary>
public sealed class ReadHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private readonly Guid _workspace = Guid.NewGuid();
    private readonly Guid _me = Guid.NewGuid();
    private readonly Guid _session = Guid.NewGuid();

    /// <summary>The session the reads resolve: created at <see cref="Now"/>.</summary>
    private SessionLifeKey Life => new(_session, Now.UtcDateTime);
    private readonly Mock<ISessionReadStore> _reads = new();
    private readonly Mock<ITranscriptReadStore> _transcripts = new();
    private readonly Mock<ISessionEventStore> _events = new();

    public ReadHandlerTests()
    {
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(Result<SessionLifeKey>.Success(Life));
        _reads.Setup(r => r.GetUserChipsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyCollection<Guid> ids, CancellationToken _) => ids.ToDictionary(i => i, i => new UserChip(i, null, null, null)));
    }

    [Theory]
    [InlineData(3, 2, true, 2L)]
    [InlineData(2, 2, false, 2L)]
    [InlineData(0, 2, false, null)]
    public async Task TranscriptPages_AskOneMore_ToKnowIfThereIsMore(int available, int limit, bool hasMore, long? next)
    {
        _transcripts.Setup(t => t.PageAsync(Life, 5, limit + 1, true, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([.. Messages(available)], EndedAtTextBudget: false));

        var page = (await new GetTranscriptHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new GetTranscriptQuery("o", "w", Reference(), 5, limit, true), default)).Value;

        Assert.Equal(Math.Min(available, limit), page.Messages.Count);
        Assert.Equal((hasMore, next), (page.HasMore, page.NextAfterSeq));
    }

    /// <summary>A page that ended at its text budget has more after it, though it holds fewer messages than asked; so has a search's.</summary>
    [Fact]
    public async Task APageEndedAtItsTextBudget_HasMore_FromItsLastMessage()
    {
        _transcripts.Setup(t => t.PageAsync(Life, 0, 11, false, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([.. Messages(4)], EndedAtTextBudget: true));
        _transcripts.Setup(t => t.SearchAsync(Life, "n", 0, 11, false, It.IsAny<CancellationToken>())).ReturnsAsync((new MessagesRead([.. Messages(2)], EndedAtTextBudget: true), 9L));

        var page = (await new GetTranscriptHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new GetTranscriptQuery("o", "w", Reference(), 0, 10, false), default)).Value;
        var matches = (await new SearchMessagesHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new SearchMessagesQuery("o", "w", Reference(), "n", 0, 10, false), default)).Value;

        Assert.Equal((4, true, 4L), (page.Messages.Count, page.HasMore, page.NextAfterSeq));
        Assert.Equal((2, true, 9L), (matches.Matches.Count, matches.HasMore, matches.Total));
    }

    [Fact]
    public async Task TranscriptPages_DefaultToTheFirstHundred_WithoutCompactedMessages()
    {
        _transcripts.Setup(t => t.PageAsync(Life, 0, GetTranscriptQuery.DefaultLimit + 1, false, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([.. Messages(1)], EndedAtTextBudget: false));

        var page = (await new GetTranscriptHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new GetTranscriptQuery("o", "w", Reference(), null, null, null), default)).Value;

        Assert.Single(page.Messages);
    }

    [Fact]
    public async Task ASessionTheCallerCannotSee_IsTheReadersError()
    {
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.NotFound);

        var transcript = await new GetTranscriptHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new GetTranscriptQuery("o", "w", Reference(), null, null, null), default);
        var search = await new SearchMessagesHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new SearchMessagesQuery("o", "w", Reference(), "x", null, null, null), default);
        var events = await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null));

        Assert.Same(SessionErrors.NotFound, transcript.Error);
        Assert.Same(SessionErrors.NotFound, search.Error);
        Assert.Same(SessionErrors.NotFound, events.Error);
        _transcripts.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(3, 2, true)]
    [InlineData(2, 2, false)]
    public async Task SearchPages_AskOneMore(int found, int limit, bool hasMore)
    {
        _transcripts.Setup(t => t.SearchAsync(Life, "needle", 0, limit + 1, false, It.IsAny<CancellationToken>())).ReturnsAsync((new MessagesRead([.. Messages(found)], EndedAtTextBudget: false), 42L));

        var matches = (await new SearchMessagesHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new SearchMessagesQuery("o", "w", Reference(), "needle", null, limit, null), default)).Value;

        Assert.Equal((limit, 42L, hasMore), (matches.Matches.Count, matches.Total, matches.HasMore));
    }

    [Fact]
    public async Task SearchPages_DefaultLimit()
    {
        _transcripts.Setup(t => t.SearchAsync(Life, "n", 3, SearchMessagesQuery.DefaultLimit + 1, true, It.IsAny<CancellationToken>())).ReturnsAsync((new MessagesRead([.. Messages(1)], EndedAtTextBudget: false), 1L));

        var matches = (await new SearchMessagesHandler(_reads.Object, Callers(), _transcripts.Object).Handle(new SearchMessagesQuery("o", "w", Reference(), "n", 3, null, true), default)).Value;

        Assert.Single(matches.Matches);
    }

    [Fact]
    public async Task Events_ArePagedWithActorsAndData()
    {
        var actor = Guid.NewGuid();
        var stored = Enumerable.Range(0, 3).Select(i => new StoredEvent(Guid.NewGuid(), "SessionPinned", Now.UtcDateTime.AddMinutes(i), i == 1 ? null : actor, $$"""{"n":{{i}}}""")).ToList();
        _events.Setup(e => e.PageAsync(_session, It.IsAny<IReadOnlyList<SessionLife>>(), null, 3, It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var page = (await Events(new ListSessionEventsQuery("o", "w", Reference(), null, 2))).Value;

        Assert.Equal((2, true, stored[1].Id), (page.Events.Count, page.HasMore, page.NextAfterId!.Value));
        Assert.Equal(actor, page.Events[0].Actor!.Id);
        Assert.Null(page.Events[1].Actor);
        Assert.Equal(1, page.Events[1].Data.GetProperty("n").GetInt32());
        Assert.Equal(("SessionPinned", Now.UtcDateTime), (page.Events[0].Type, page.Events[0].OccurredAt));
    }

    [Fact]
    public async Task Events_APageThatHoldsExactlyTheLimit_HasNoMore()
    {
        var stored = Enumerable.Range(0, 2).Select(i => new StoredEvent(Guid.NewGuid(), "SessionPinned", Now.UtcDateTime.AddMinutes(i), null, "{}")).ToList();
        _events.Setup(e => e.PageAsync(_session, It.IsAny<IReadOnlyList<SessionLife>>(), null, 3, It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var page = (await Events(new ListSessionEventsQuery("o", "w", Reference(), null, 2))).Value;

        Assert.Equal((2, false, stored[1].Id), (page.Events.Count, page.HasMore, page.NextAfterId!.Value));
    }

    [Fact]
    public async Task Events_AnEmptyPage_HasNoNextId_AndAForeignAfterIdIs422()
    {
        var foreign = Guid.NewGuid();
        _events.Setup(e => e.PageAsync(_session, It.IsAny<IReadOnlyList<SessionLife>>(), null, ListSessionEventsQuery.DefaultLimit + 1, It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var empty = (await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null))).Value;
        var refused = await Events(new ListSessionEventsQuery("o", "w", Reference(), foreign, null));

        Assert.Equal((false, (Guid?)null), (empty.HasMore, empty.NextAfterId));
        Assert.Equal(["AfterId: must be the id of an event of this session (InvalidValue)"], refused.Error!.Fields!.Said());
    }

    [Theory]
    [InlineData(WorkspaceRole.Admin, true, true)]
    [InlineData(WorkspaceRole.Member, true, false)]
    [InlineData(WorkspaceRole.Admin, false, false)]
    public async Task ADeletedSessionsTrail_IsForItsWorkspacesAdmins(WorkspaceRole role, bool ofThisWorkspace, bool shown)
    {
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.NotFound);
        _events.Setup(e => e.DeletedFromWorkspaceAsync(_session, _workspace, It.IsAny<CancellationToken>())).ReturnsAsync(ofThisWorkspace ? [new SessionLife(Now.UtcDateTime, Now.UtcDateTime.AddHours(1))] : []);
        _events.Setup(e => e.PageAsync(_session, It.IsAny<IReadOnlyList<SessionLife>>(), null, It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var result = await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null), role);

        Assert.Equal(shown, result.IsSuccess);
    }

    /// <summary>
    /// A member reads the living session's life, from its creation as the read found it; a
    /// workspace admin asking by full id also the lives of the id its workspace's deletions ended,
    /// oldest first; with the id free, those alone.
    /// </summary>
    [Fact]
    public async Task Events_OfALivingSession_AreItsLife_AndForAnAdminTheLivesItsWorkspaceEnded()
    {
        var current = SessionLife.Living(Now.UtcDateTime);
        var older = new SessionLife(Now.UtcDateTime.AddDays(-4), Now.UtcDateTime.AddDays(-3));
        var ended = new SessionLife(Now.UtcDateTime.AddDays(-2), Now.UtcDateTime.AddDays(-1));
        _events.Setup(e => e.DeletedFromWorkspaceAsync(_session, _workspace, It.IsAny<CancellationToken>())).ReturnsAsync([older, ended]);
        var asked = new List<IReadOnlyList<SessionLife>>();
        _events.Setup(e => e.PageAsync(_session, It.IsAny<IReadOnlyList<SessionLife>>(), null, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Callback<Guid, IReadOnlyList<SessionLife>, Guid?, int, CancellationToken>((_, lives, _, _, _) => asked.Add(lives))
            .ReturnsAsync([]);

        await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null));
        await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null), WorkspaceRole.Admin);
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.NotFound);
        await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null), WorkspaceRole.Admin);

        Assert.Equal<IEnumerable<SessionLife>>([current], asked[0]);
        Assert.Equal<IEnumerable<SessionLife>>([older, ended, current], asked[1]);
        Assert.Equal<IEnumerable<SessionLife>>([older, ended], asked[2]);
    }

    /// <summary>
    /// By prefix, the trail is the resolved session's (no deleted life is looked for); by full id,
    /// a deleted life is an earlier one when it began or ended before the resolved session began
    /// (clocks may disagree on either), not when it is the resolved session's own or a later one,
    /// each deleted since it was found.
    /// </summary>
    [Fact]
    public async Task Events_ByPrefix_AreTheResolvedSessions_AndTheResolvedSessionsOwnDeletionIsNoEarlierLife()
    {
        var current = new SessionLife(Now.UtcDateTime, null);
        var earlier = new SessionLife(Now.UtcDateTime.AddDays(-1), Now.UtcDateTime.AddSeconds(1));
        // Created by an instance whose clock ran ahead, deleted by one whose clock ran behind.
        var skewed = new SessionLife(Now.UtcDateTime.AddMinutes(5), Now.UtcDateTime.AddSeconds(-1));
        _events.Setup(e => e.DeletedFromWorkspaceAsync(_session, _workspace, It.IsAny<CancellationToken>()))
            .ReturnsAsync([earlier, skewed, new SessionLife(Now.UtcDateTime, Now.UtcDateTime.AddMinutes(1)), new SessionLife(Now.UtcDateTime.AddMinutes(2), Now.UtcDateTime.AddMinutes(3)), new SessionLife(Now.UtcDateTime.AddMinutes(5), Now.UtcDateTime), new SessionLife(Now.UtcDateTime, Now.UtcDateTime.AddSeconds(-1))]);
        var asked = new List<(Guid Session, IReadOnlyList<SessionLife> Lives)>();
        _events.Setup(e => e.PageAsync(It.IsAny<Guid>(), It.IsAny<IReadOnlyList<SessionLife>>(), null, It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Callback<Guid, IReadOnlyList<SessionLife>, Guid?, int, CancellationToken>((session, lives, _, _, _) => asked.Add((session, lives)))
            .ReturnsAsync([]);
        Assert.True(SessionReference.TryParse(_session.ToString()[..8], out var prefix));

        await Events(new ListSessionEventsQuery("o", "w", prefix, null, null), WorkspaceRole.Admin);
        await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null), WorkspaceRole.Admin);

        Assert.Equal(_session, asked[0].Session);
        Assert.Equal<IEnumerable<SessionLife>>([current], asked[0].Lives);
        Assert.Equal<IEnumerable<SessionLife>>([earlier, skewed, current], asked[1].Lives);
    }

    /// <summary>A life holds the events from its start to its end, both included; a living one has no end.</summary>
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    [InlineData(60, true)]
    [InlineData(61, false)]
    public void ALife_HoldsTheEventsFromItsStartToItsEnd(int minutes, bool held)
    {
        var life = new SessionLife(Now.UtcDateTime, Now.UtcDateTime.AddMinutes(60));

        Assert.Equal(held, life.Holds(Now.UtcDateTime.AddMinutes(minutes)));
        Assert.Equal(minutes >= 0, (life with { To = null }).Holds(Now.UtcDateTime.AddMinutes(minutes)));
    }

    /// <summary>An ambiguous prefix is its own answer, whoever asks: no deleted life is looked for.</summary>
    [Fact]
    public async Task Events_ByAnAmbiguousPrefix_Is400_WithoutLookingForDeletedLives()
    {
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.Ambiguous(2));

        var result = await Events(new ListSessionEventsQuery("o", "w", Reference(), null, null), WorkspaceRole.Admin);

        Assert.Equal(ErrorType.AmbiguousSessionId, result.Error!.Type);
        _events.Verify(e => e.DeletedFromWorkspaceAsync(It.IsAny<Guid>(), It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ADeletedSessionsTrail_NeedsItsFullId()
    {
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.NotFound);
        Assert.True(SessionReference.TryParse(_session.ToString()[..8], out var prefix));

        var result = await Events(new ListSessionEventsQuery("o", "w", prefix, null, null), WorkspaceRole.Admin);

        Assert.Same(SessionErrors.NotFound, result.Error);
        _events.Verify(e => e.DeletedFromWorkspaceAsync(It.IsAny<Guid>(), It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task CreatingAGroup_MakesTheCallerItsCreator_Running_ByDefault()
    {
        var groups = new Mock<IGroupRepository>();
        var project = Guid.NewGuid();

        var summary = (await new CreateGroupHandler(groups.Object, _reads.Object, Callers(), new FakeTimeProvider(Now))
            .Handle(new CreateGroupCommand("o", "w", GroupKind.Workflow, project, "t", null, null, null, null, null, null, null, null, """{"a":1}"""), default)).Value;

        Assert.Equal((GroupKind.Workflow, project, "t", GroupStatus.Running, _me, 0L), (summary.Kind, summary.ProjectId, summary.Title, summary.Status, summary.CreatedBy!.Id, summary.SessionCount));
        Assert.Equal(1, summary.Metadata!.Value.GetProperty("a").GetInt32());
        groups.Verify(g => g.Add(It.Is<SessionGroup>(s => s.WorkspaceId == _workspace && s.CreatedBy == _me)), Times.Once);
    }

    [Fact]
    public async Task CreatingAGroup_KeepsTheStatusItWasGiven()
    {
        var summary = (await new CreateGroupHandler(new Mock<IGroupRepository>().Object, _reads.Object, Callers(), new FakeTimeProvider(Now))
            .Handle(new CreateGroupCommand("o", "w", GroupKind.Workflow, Guid.NewGuid(), null, GroupStatus.Failed, null, null, null, null, null, null, null, null), default)).Value;

        Assert.Equal(GroupStatus.Failed, summary.Status);
    }

    [Fact]
    public async Task Viewers_CreateNoGroups()
    {
        var groups = new Mock<IGroupRepository>();

        var result = await new CreateGroupHandler(groups.Object, _reads.Object, Callers(WorkspaceRole.Viewer), new FakeTimeProvider(Now))
            .Handle(new CreateGroupCommand("o", "w", GroupKind.Workflow, Guid.NewGuid(), null, null, null, null, null, null, null, null, null, null), default);

        Assert.Equal((ErrorType.PermissionDenied, "Viewers cannot create session groups."), (result.Error!.Type, result.Error.Message));
        groups.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(WorkspaceRole.Member, true, true)]
    [InlineData(WorkspaceRole.Member, false, false)]
    [InlineData(WorkspaceRole.Admin, false, true)]
    [InlineData(WorkspaceRole.Viewer, true, false)]
    public async Task AGroup_IsChangedByItsCreatorOrAnAdmin(WorkspaceRole role, bool creator, bool allowed)
    {
        var (groups, reads, group) = GroupWorld(creator ? _me : Guid.NewGuid());

        var result = await new UpdateGroupHandler(groups.Object, reads.Object, Callers(role), new FakeTimeProvider(Now))
            .Handle(new UpdateGroupCommand("o", "w", group.Id, "new", GroupStatus.Completed, null), default);

        Assert.Equal(allowed, result.IsSuccess);
        Assert.Equal(allowed ? GroupStatus.Completed : GroupStatus.Running, group.Status);
        if (allowed)
        {
            Assert.Equal(("new", GroupStatus.Completed, 2L), (result.Value.Title, result.Value.Status, result.Value.SessionCount));
        }
        else
        {
            Assert.Same(GroupRules.NotChangeable, result.Error);
        }
    }

    [Fact]
    public async Task GroupMetadata_TheSameObjectWrittenOtherwise_IsNoChange()
    {
        var (groups, reads, group) = GroupWorld(_me);
        var handler = new UpdateGroupHandler(groups.Object, reads.Object, Callers(), new FakeTimeProvider(Now));
        await handler.Handle(new UpdateGroupCommand("o", "w", group.Id, null, null, """{"a":"é","n":[1,2]}"""), default);
        group.ClearDomainEvents();

        await handler.Handle(new UpdateGroupCommand("o", "w", group.Id, null, null, """{ "n" : [1, 2], "a" : "\u00e9" }"""), default);
        var unchanged = group.DomainEvents.Count;
        await handler.Handle(new UpdateGroupCommand("o", "w", group.Id, null, null, """{"a":"e","n":[1,2]}"""), default);

        Assert.Equal(0, unchanged);
        Assert.Single(group.DomainEvents.OfType<SessionGroupUpdated>());
        Assert.Equal("""{"a":"e","n":[1,2]}""", group.MetadataJson);
    }

    [Fact]
    public async Task AGroupTheCallerCannotSee_OrGoneUnderTheLock_Is404()
    {
        var (groups, reads, group) = GroupWorld(_me);
        var unseen = await new UpdateGroupHandler(groups.Object, reads.Object, Callers(), new FakeTimeProvider(Now)).Handle(new UpdateGroupCommand("o", "w", Guid.NewGuid(), "x", null, null), default);
        groups.Setup(g => g.GetForUpdateAsync(_workspace, group.Id, It.IsAny<CancellationToken>())).ReturnsAsync((SessionGroup?)null);

        var gone = await new UpdateGroupHandler(groups.Object, reads.Object, Callers(), new FakeTimeProvider(Now)).Handle(new UpdateGroupCommand("o", "w", group.Id, "x", null, null), default);

        Assert.Same(GroupRules.NotFound, unseen.Error);
        Assert.Same(GroupRules.NotFound, gone.Error);
    }

    [Fact]
    public async Task AFinishedGroup_KeepsItsStatus()
    {
        var (groups, reads, group) = GroupWorld(_me);
        group.Update(new GroupChanges(Status: GroupStatus.Failed), _me, Now.UtcDateTime);

        var result = await new UpdateGroupHandler(groups.Object, reads.Object, Callers(), new FakeTimeProvider(Now)).Handle(new UpdateGroupCommand("o", "w", group.Id, null, GroupStatus.Running, null), default);

        Assert.Equal(nameof(DomainErrors.GroupAlreadyFinished), result.Error!.Code);
    }

    private (Mock<IGroupRepository> Groups, Mock<IGroupReadStore> Reads, SessionGroup Group) GroupWorld(Guid creator)
    {
        var group = SessionGroup.Create(new NewGroup(GroupKind.Workflow, Guid.NewGuid(), "t", GroupStatus.Running, null, null, null, null, null, null, null, null), _workspace, creator, Now.UtcDateTime.AddHours(-1));
        var groups = new Mock<IGroupRepository>();
        var reads = new Mock<IGroupReadStore>();
        reads.Setup(r => r.FindAsync(It.IsAny<GroupAudience>(), group.Id, It.IsAny<CancellationToken>())).ReturnsAsync(new GroupRead(group, null));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts> { [group.Id] = GroupCounts.None with { SessionCount = 2 } });
        groups.Setup(g => g.GetForUpdateAsync(_workspace, group.Id, It.IsAny<CancellationToken>())).ReturnsAsync(group);
        return (groups, reads, group);
    }

    private Task<Result<SessionEventPage>> Events(ListSessionEventsQuery query, WorkspaceRole role = WorkspaceRole.Member) =>
        new ListSessionEventsHandler(_reads.Object, _events.Object, Callers(role)).Handle(query, default).AsTask();

    private SessionReference Reference() => SessionReference.TryParse(_session.ToString(), out var reference) ? reference : throw new InvalidOperationException();

    private CallerContext Callers(WorkspaceRole role = WorkspaceRole.Member) => TestCallers.As(_me, _workspace, role);

    private static IEnumerable<MessageView> Messages(int count) =>
        Enumerable.Range(1, count).Select(i => new MessageView(Guid.NewGuid(), i, MessageRole.User, "m", null, null, [], null, null, Now.UtcDateTime, null));
}
