using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Security;
using Sessions.Application.Events;
using Sessions.Application.Groups;
using Sessions.Application.Items;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Bulk;
using Sessions.Application.Sessions.Get;
using Sessions.Application.Sessions.List;
using Sessions.Application.Tests.Validation;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Application.Tests.Sessions;

public sealed class ItemsBulkAndExportTests
{
    private readonly SessionWorld _world = new();
    private readonly Mock<ISessionItemStore> _items = new();

    /// <summary>The life of the session the handlers find.</summary>
    private SessionLifeKey ReadLife => new(_world.Read.Id, _world.Read.CreatedAt);

    [Fact]
    public async Task RecordingAnItem_StoresItOnce_UnderTheCallersOrganization()
    {
        var recorded = (await Record(Item("k"))).Value;

        Assert.True(recorded.Created);
        Assert.Equal(("finding", "k", _world.OwnerId, ItemSource.Api), (recorded.Item.ItemType, recorded.Item.DedupeKey, recorded.Item.CreatedBy!.Value, recorded.Item.Source));
        Assert.Equal(1, recorded.Item.Disposition!.Value.GetProperty("d").GetInt32());
        _items.Verify(i => i.Add(It.Is<SessionItem>(s => s.SessionId == _world.Read.Id)), Times.Once);
        _world.LockedOnce();
    }

    [Fact]
    public async Task ARepeatedDedupeKey_AnswersTheStoredItem_WithoutALock()
    {
        var stored = _world.Read.RecordItem(Item("k").ToDraft(), null, Guid.NewGuid(), _world.OwnerId, SessionWorld.Now.UtcDateTime).Value.Item;
        _items.Setup(i => i.FindByDedupeKeyAsync(ReadLife, "k", It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var recorded = (await Record(Item("k"))).Value;

        Assert.False(recorded.Created);
        Assert.Equal(stored.Id, recorded.Item.Id);
        _world.LockedNever();
        _items.Verify(i => i.Add(It.IsAny<SessionItem>()), Times.Never);
    }

    [Fact]
    public async Task ADedupeKeyStoredMeanwhile_IsTheAnswerUnderTheLock()
    {
        var stored = _world.Locked.RecordItem(Item("k").ToDraft(), null, Guid.NewGuid(), _world.OwnerId, SessionWorld.Now.UtcDateTime).Value.Item;
        _items.SetupSequence(i => i.FindByDedupeKeyAsync(ReadLife, "k", It.IsAny<CancellationToken>())).ReturnsAsync((SessionItem?)null).ReturnsAsync(stored);

        var recorded = (await Record(Item("k"))).Value;

        Assert.Equal((false, stored.Id), (recorded.Created, recorded.Item.Id));
        _items.Verify(i => i.Add(It.IsAny<SessionItem>()), Times.Never);
    }

    /// <summary>Nothing changed the session between its read and the lock (every recorded item moves its version): the key is not looked up again.</summary>
    [Fact]
    public async Task ADedupeKey_OfASessionUnchangedSinceItsRead_IsLookedUpOnce()
    {
        var recorded = (await Record(Item("k"))).Value;

        Assert.True(recorded.Created);
        _items.Verify(i => i.FindByDedupeKeyAsync(It.IsAny<SessionLifeKey>(), "k", It.IsAny<CancellationToken>()), Times.Once);
        _items.Verify(i => i.Add(It.IsAny<SessionItem>()), Times.Once);
    }

    /// <summary>
    /// Deleted and created again under its id since the read, and changed as often: the same
    /// version, another life. The key is looked up again in that life, and its item is the answer.
    /// </summary>
    [Fact]
    public async Task ADedupeKey_OfASessionCreatedAgainAtTheSameVersion_IsLookedUpAgainInTheNewLife()
    {
        _world.RecreatedSinceTheRead(_world.WorkspaceId, _world.OwnerId, SessionVisibility.Private);
        var stored = _world.Locked.RecordItem(Item("k").ToDraft(), null, Guid.NewGuid(), _world.OwnerId, SessionWorld.Now.UtcDateTime).Value.Item;
        _world.Read.RecordItem(Item("other").ToDraft(), null, Guid.NewGuid(), _world.OwnerId, SessionWorld.Now.UtcDateTime);
        Assert.Equal(_world.Read.Version, _world.Locked.Version);
        var newLife = new SessionLifeKey(_world.Locked.Id, _world.Locked.CreatedAt);
        _items.Setup(i => i.FindByDedupeKeyAsync(newLife, "k", It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var recorded = (await Record(Item("k"))).Value;

        Assert.Equal((false, stored.Id), (recorded.Created, recorded.Item.Id));
        _items.Verify(i => i.FindByDedupeKeyAsync(ReadLife, "k", It.IsAny<CancellationToken>()), Times.Once);
        _items.Verify(i => i.Add(It.IsAny<SessionItem>()), Times.Never);
    }

    [Fact]
    public async Task AFrozenSession_TakesNoNewItem()
    {
        _world.Both(s => s.Freeze(s.UserId, FrozenBy.User, SessionWorld.Now.UtcDateTime));

        var result = await Record(Item(null));

        Assert.Same(DomainErrors.FrozenSessionTakesNoItems, result.Error);
    }

    [Fact]
    public async Task ListingItems_MapsThemAndUsesTheDefaultLimit()
    {
        var item = _world.Read.RecordItem((Item(null) with { DispositionJson = null }).ToDraft(), null, Guid.NewGuid(), _world.OwnerId, SessionWorld.Now.UtcDateTime).Value.Item;
        _world.Reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(Result<SessionLifeKey>.Success(ReadLife));
        _items.Setup(i => i.PageAsync(ReadLife, null, ListItemsHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync([item]);

        var list = (await new ListItemsHandler(_world.Reads.Object, Callers(), _items.Object).Handle(new ListItemsQuery("o", "w", _world.Reference, null), default)).Value;

        Assert.Null(Assert.Single(await list.Items.ToListAsync()).Disposition);
        _items.Verify(i => i.PageAsync(It.IsAny<SessionLifeKey>(), It.IsAny<ItemPlace?>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["Limit: must be less than or equal to 500 (AboveMaximum)"], await Validate.ErrorsAsync(new ListItemsQuery("o", "w", _world.Reference, 501), new ListItemsValidator()));
    }

    [Fact]
    public async Task ListingItems_ReadsPagesAfterTheLastItemListed_UpToTheLimit()
    {
        var all = Enumerable.Range(0, 25)
            .Select(i => _world.Read.RecordItem(Item(null).ToDraft(), null, Guid.NewGuid(), _world.OwnerId, SessionWorld.Now.UtcDateTime.AddSeconds(-i)).Value.Item)
            .ToList();
        _world.Reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(Result<SessionLifeKey>.Success(ReadLife));
        _items.Setup(i => i.PageAsync(ReadLife, null, 10, It.IsAny<CancellationToken>())).ReturnsAsync(all[..10]);
        _items.Setup(i => i.PageAsync(ReadLife, ItemPlace.Of(all[9]), 10, It.IsAny<CancellationToken>())).ReturnsAsync(all[10..20]);
        _items.Setup(i => i.PageAsync(ReadLife, ItemPlace.Of(all[19]), 5, It.IsAny<CancellationToken>())).ReturnsAsync(all[20..25]);
        _items.Setup(i => i.PageAsync(ReadLife, ItemPlace.Of(all[19]), 10, It.IsAny<CancellationToken>())).ReturnsAsync(all[20..23]);

        var upTo25 = (await new ListItemsHandler(_world.Reads.Object, Callers(), _items.Object).Handle(new ListItemsQuery("o", "w", _world.Reference, 25), default)).Value;
        var upTo30 = (await new ListItemsHandler(_world.Reads.Object, Callers(), _items.Object).Handle(new ListItemsQuery("o", "w", _world.Reference, 30), default)).Value;

        Assert.Equal(all.Select(i => i.Id), (await upTo25.Items.ToListAsync()).Select(i => i.Id));
        Assert.Equal(all[..23].Select(i => i.Id), (await upTo30.Items.ToListAsync()).Select(i => i.Id));
        _items.Verify(i => i.PageAsync(It.IsAny<SessionLifeKey>(), It.IsAny<ItemPlace?>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Exactly(6));
    }

    [Fact]
    public async Task ListingItemsOfAnUnseenSession_IsTheReadersError()
    {
        _world.Reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.NotFound);

        var result = await new ListItemsHandler(_world.Reads.Object, Callers(), _items.Object).Handle(new ListItemsQuery("o", "w", _world.Reference, 5), default);

        Assert.Same(SessionErrors.NotFound, result.Error);
        _items.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task BulkActions_ReportEachIdOnce_AsDoneOrWhyNot()
    {
        var mine = NewSession(_world.OwnerId);
        var theirs = NewSession(Guid.NewGuid());
        var missing = Guid.NewGuid();
        var sessions = new Mock<ISessionRepository>();
        sessions.Setup(s => s.GetManyForUpdateAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, Session> { [mine.Id] = mine, [theirs.Id] = theirs });
        var runner = new BulkSessionRunner(sessions.Object, Callers(), new FakeTimeProvider(SessionWorld.Now));
        IReadOnlyList<Guid> ids = [mine.Id, theirs.Id, missing, mine.Id];

        var frozen = (await new BulkFreezeHandler(runner).Handle(new BulkFreezeCommand("o", "w", ids), default)).Value;
        var shared = (await new BulkShareHandler(runner).Handle(new BulkShareCommand("o", "w", ids), default)).Value;

        Assert.Equal([mine.Id], frozen.Succeeded);
        Assert.Equal([(theirs.Id, ErrorType.PermissionDenied), (missing, ErrorType.NotFound)], frozen.Failed.Select(f => (f.Id, f.Error.Type)));
        Assert.Equal((FrozenBy.User, SessionWorld.Now.UtcDateTime), (mine.FrozenBy!.Value, mine.FrozenAt!.Value));
        Assert.Equal([mine.Id], shared.Succeeded);
        Assert.Equal(SessionVisibility.Workspace, mine.Visibility);
        Assert.Equal(SessionVisibility.Private, theirs.Visibility);
        sessions.Verify(s => s.GetManyForUpdateAsync(It.IsAny<SessionAudience>(), It.Is<IReadOnlyCollection<Guid>>(c => c.Count == 3), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task BulkActions_StampTheTimeOnceTheSessionsAreLocked_NotWhenTheyBeganToWait()
    {
        var mine = NewSession(_world.OwnerId);
        var clock = new FakeTimeProvider(SessionWorld.Now);
        var sessions = new Mock<ISessionRepository>();
        sessions.Setup(s => s.GetManyForUpdateAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .Callback(() => clock.Advance(TimeSpan.FromSeconds(2)))
            .ReturnsAsync(new Dictionary<Guid, Session> { [mine.Id] = mine });

        await new BulkFreezeHandler(new BulkSessionRunner(sessions.Object, Callers(), clock)).Handle(new BulkFreezeCommand("o", "w", [mine.Id]), default);

        Assert.Equal(SessionWorld.Now.UtcDateTime.AddSeconds(2), mine.FrozenAt);
    }

    /// <summary>A session of the batch whose last change another instance stamped later than this clock reads is stamped a microsecond after it; the others at the batch's time.</summary>
    [Fact]
    public async Task BulkActions_StampASessionChangedLaterElsewhere_JustAfterItsLastChange()
    {
        var (behind, ahead) = (NewSession(_world.OwnerId), NewSession(_world.OwnerId));
        var later = SessionWorld.Now.UtcDateTime.AddMinutes(10);
        ahead.Pin(_world.OwnerId, later);
        var sessions = new Mock<ISessionRepository>();
        sessions.Setup(s => s.GetManyForUpdateAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, Session> { [behind.Id] = behind, [ahead.Id] = ahead });

        await new BulkFreezeHandler(new BulkSessionRunner(sessions.Object, Callers(), new FakeTimeProvider(SessionWorld.Now))).Handle(new BulkFreezeCommand("o", "w", [behind.Id, ahead.Id]), default);

        Assert.Equal((SessionWorld.Now.UtcDateTime, later.AddTicks(TimeSpan.TicksPerMicrosecond)), (behind.FrozenAt, ahead.FrozenAt));
    }

    [Fact]
    public async Task BulkFreeze_ByTheEvaluationService_SeesEverySessionAndFreezesAsEvaluation()
    {
        var theirs = NewSession(Guid.NewGuid());
        var sessions = new Mock<ISessionRepository>();
        sessions.Setup(s => s.GetManyForUpdateAsync(It.Is<SessionAudience>(a => a.SeesAllSessions), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, Session> { [theirs.Id] = theirs });

        var frozen = (await new BulkFreezeHandler(new BulkSessionRunner(sessions.Object, Callers(scope: Scopes.SessionsEvaluate), new FakeTimeProvider(SessionWorld.Now)))
            .Handle(new BulkFreezeCommand("o", "w", [theirs.Id]), default)).Value;

        Assert.Equal([theirs.Id], frozen.Succeeded);
        Assert.Equal(FrozenBy.Evaluation, theirs.FrozenBy);
    }

    [Fact]
    public async Task BulkDelete_RemovesWhatItMay_AndKeepsEvidence()
    {
        var mine = NewSession(_world.OwnerId);
        var evidence = NewSession(_world.OwnerId);
        evidence.Freeze(_world.OwnerId, FrozenBy.Evaluation, SessionWorld.Now.UtcDateTime);
        var theirs = NewSession(Guid.NewGuid());
        var sessions = new Mock<ISessionRepository>();
        sessions.Setup(s => s.GetManyForUpdateAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, Session> { [mine.Id] = mine, [evidence.Id] = evidence, [theirs.Id] = theirs });

        var deleted = (await new BulkDeleteHandler(new BulkSessionRunner(sessions.Object, Callers(), new FakeTimeProvider(SessionWorld.Now)), sessions.Object)
            .Handle(new BulkDeleteCommand("o", "w", [mine.Id, evidence.Id, theirs.Id]), default)).Value;

        Assert.Equal([mine.Id], deleted.Succeeded);
        Assert.Equal([ErrorType.SessionFrozen, ErrorType.PermissionDenied], deleted.Failed.Select(f => f.Error.Type));
        sessions.Verify(s => s.Remove(mine), Times.Once);
        sessions.Verify(s => s.Remove(It.Is<Session>(x => x != mine)), Times.Never);
    }

    [Fact]
    public async Task GettingASession_AnswersItsViewOrTheReadersError()
    {
        var found = (await new GetSessionHandler(_world.Reads.Object, Callers()).Handle(new GetSessionQuery("o", "w", _world.Reference), default)).Value;
        _world.Reads.Setup(r => r.FindAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.Ambiguous(2));

        var ambiguous = await new GetSessionHandler(_world.Reads.Object, Callers()).Handle(new GetSessionQuery("o", "w", _world.Reference), default);

        Assert.Equal((_world.Read.Id, _world.OwnerChip), (found.Id, found.CreatedBy!));
        Assert.Equal("The session id prefix matches 2 sessions; give more characters.", ambiguous.Error!.Message);
    }

    [Fact]
    public async Task AGroup_IsShownWithItsCountsAndSessions_OrIs404()
    {
        var reads = new Mock<IGroupReadStore>();
        var group = SessionGroup.Create(new NewGroup(GroupKind.Workflow, Guid.NewGuid(), "g", GroupStatus.Running, null, null, null, null, null, null, null, null), _world.WorkspaceId, _world.OwnerId, SessionWorld.Now.UtcDateTime);
        reads.Setup(r => r.FindAsync(It.IsAny<GroupAudience>(), group.Id, It.IsAny<CancellationToken>())).ReturnsAsync(new GroupRead(group, null));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.Is<SessionCriteria>(c => c.Archived == ArchivedFilter.Any), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts> { [group.Id] = GroupCounts.None with { SessionCount = 1 } });
        reads.Setup(r => r.SessionsAsync(It.IsAny<SessionAudience>(), group.Id, It.IsAny<SessionCriteria>(), GroupRules.MaxSessionsInGroupAnswer, It.IsAny<CancellationToken>()))
            .ReturnsAsync([_world.Read.ToViewFor()]);
        var handler = new GetGroupHandler(reads.Object, Callers());

        var detail = (await handler.Handle(new GetGroupQuery("o", "w", group.Id, "any", null), default)).Value;
        var missing = await handler.Handle(new GetGroupQuery("o", "w", Guid.NewGuid(), null, null), default);

        Assert.Equal((1L, _world.Read.Id), (detail.Group.SessionCount, Assert.Single(detail.Sessions).Id));
        Assert.Same(GroupRules.NotFound, missing.Error);
        Assert.Equal(["Archived: must be one of: active, archived, any (NotAllowedValue)"], await Validate.ErrorsAsync(new GetGroupQuery("o", "w", group.Id, "some", null), new GetGroupValidator()));
    }

    [Fact]
    public async Task AnExport_ReadsMessagesAndEventsAPageAtATime_InTheAskedFormat()
    {
        Transcribed(ExportTrajectoryHandler.PageSize + 1);
        var transcripts = new Mock<ITranscriptReadStore>();
        var events = new Mock<ISessionEventStore>();
        var first = Enumerable.Range(1, ExportTrajectoryHandler.PageSize).Select(Message).ToList();
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, It.IsAny<TranscriptAsOf>(), 0, ExportTrajectoryHandler.PageSize, true, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead(first, EndedAtTextBudget: false));
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, It.IsAny<TranscriptAsOf>(), ExportTrajectoryHandler.PageSize, ExportTrajectoryHandler.PageSize, true, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([Message(101)], EndedAtTextBudget: false));
        var stored = Enumerable.Range(0, ExportTrajectoryHandler.PageSize).Select(_ => new StoredEvent(Guid.NewGuid(), "E", SessionWorld.Now.UtcDateTime, null, "{}")).ToList();
        events.Setup(e => e.PageAsync(_world.Read.Id, It.IsAny<IReadOnlyList<SessionLife>>(), null, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync(stored);
        var more = Enumerable.Range(0, ExportTrajectoryHandler.PageSize).Select(_ => new StoredEvent(Guid.NewGuid(), "E", SessionWorld.Now.UtcDateTime, null, "{}")).ToList();
        var (lastOfFirst, lastOfSecond) = (stored[^1].Id, more[^1].Id);
        events.Setup(e => e.PageAsync(_world.Read.Id, It.IsAny<IReadOnlyList<SessionLife>>(), lastOfFirst, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync(more);
        events.Setup(e => e.PageAsync(_world.Read.Id, It.IsAny<IReadOnlyList<SessionLife>>(), lastOfSecond, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync((IReadOnlyList<StoredEvent>?)null);

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), transcripts.Object, events.Object, new FakeTimeProvider(SessionWorld.Now))
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, "openai", true), default)).Value;

        Assert.Equal((TrajectoryFormat.Openai, _world.Read.Id), (export.Format, export.Session.Id));
        Assert.Equal(101, await export.Messages.CountAsync());
        Assert.Equal(200, await export.Events.CountAsync());
    }

    /// <summary>An export carries the stored system prompt, and none for an empty one (an append that sends <c>""</c> clears it).</summary>
    [Theory]
    [InlineData("Be brief.", "Be brief.")]
    [InlineData("", null)]
    [InlineData(" ", " ")]
    public async Task AnExport_CarriesTheSystemPrompt_AndAnEmptyOneIsNone(string prompt, string? exported)
    {
        _world.Reads.Setup(r => r.FindWithSystemPromptAsync(It.IsAny<SessionAudience>(), _world.Reference, It.IsAny<CancellationToken>()))
            .ReturnsAsync((new SessionRead(_world.Read, _world.OwnerChip, null), prompt));

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), Mock.Of<ITranscriptReadStore>(), Mock.Of<ISessionEventStore>(), new FakeTimeProvider(SessionWorld.Now))
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, null, null), default)).Value;

        Assert.Equal(exported, export.SystemPrompt);
        Assert.Equal(TrajectoryFormat.Atif, export.Format);
    }

    /// <summary>
    /// An export reads the events of the life it found (the store leaves out a later life's) and
    /// its messages by that life's key.
    /// </summary>
    [Fact]
    public async Task AnExport_ReadsTheEventsAndMessagesOfTheLifeItFound()
    {
        Transcribed(1);
        var transcripts = new Mock<ITranscriptReadStore>();
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, It.IsAny<TranscriptAsOf>(), 0, ExportTrajectoryHandler.PageSize, false, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([Message(1)], EndedAtTextBudget: false));
        var events = new Mock<ISessionEventStore>();
        var created = _world.Read.CreatedAt;
        List<StoredEvent> stored =
        [
            new(Guid.NewGuid(), nameof(SessionCreated), created, _world.OwnerId, "{}"),
            new(Guid.NewGuid(), nameof(SessionShared), created.AddMinutes(1), _world.OwnerId, "{}"),
        ];
        var lives = new List<IReadOnlyList<SessionLife>>();
        events.Setup(e => e.PageAsync(_world.Read.Id, It.IsAny<IReadOnlyList<SessionLife>>(), null, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>()))
            .Callback<Guid, IReadOnlyList<SessionLife>, Guid?, int, CancellationToken>((_, asked, _, _, _) => lives.Add(asked))
            .ReturnsAsync(stored);

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), transcripts.Object, events.Object, new FakeTimeProvider(SessionWorld.Now))
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, "native", null), default)).Value;

        Assert.Equal(stored.Select(e => e.Id), await export.Events.Select(e => e.Id).ToListAsync());
        Assert.Equal(1, await export.Messages.CountAsync());
        Assert.Equal([SessionLife.Living(created)], Assert.Single(lives));
    }

    /// <summary>
    /// An export reads the transcript as it was when it was authorized (its last seq and last change
    /// then), and its events stamped up to then (the later of this instance's clock and the session's
    /// last change): an event stamped later (written while the export runs) ends them.
    /// </summary>
    [Fact]
    public async Task AnExport_ReadsTheSessionAsItWasWhenAuthorized()
    {
        Transcribed(2);
        var asOf = new TranscriptAsOf(2, _world.Read.UpdatedAt);
        var transcripts = new Mock<ITranscriptReadStore>();
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, asOf, 0, ExportTrajectoryHandler.PageSize, false, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new MessagesRead([Message(1), Message(2)], EndedAtTextBudget: false));
        // This instance's clock is behind the session's last change: the later of the two bounds.
        var clock = new FakeTimeProvider(SessionWorld.Now.AddSeconds(-1));
        var now = _world.Read.UpdatedAt;
        List<StoredEvent> stored =
        [
            new(Guid.NewGuid(), "E", now.AddSeconds(-1), null, "{}"),
            new(Guid.NewGuid(), "E", now, null, "{}"),
            new(Guid.NewGuid(), "E", now.AddTicks(10), null, "{}"),
            new(Guid.NewGuid(), "E", now.AddSeconds(1), null, "{}"),
        ];
        var events = new Mock<ISessionEventStore>();
        events.Setup(e => e.PageAsync(It.IsAny<Guid>(), It.IsAny<IReadOnlyList<SessionLife>>(), null, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), transcripts.Object, events.Object, clock)
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, "openai", null), default)).Value;

        Assert.Equal([1L, 2L], await export.Messages.Select(m => m.Seq).ToListAsync());
        Assert.Equal(stored.Take(2).Select(e => e.Id), await export.Events.Select(e => e.Id).ToListAsync());
    }

    /// <summary>
    /// With this instance's clock ahead of the session's last change, a change committed after the
    /// authorization (stamped after that change, before this clock) is not in the export's events;
    /// an item recorded by then is (an item moves no <c>updated_at</c>), and what is stamped after
    /// the clock ends them.
    /// </summary>
    [Fact]
    public async Task AnExportsEvents_AreThoseOfChangesUpToTheLastChange_AndItemsUpToTheClock()
    {
        Transcribed(1);
        var changed = _world.Read.UpdatedAt;
        var transcripts = new Mock<ITranscriptReadStore>();
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, It.IsAny<TranscriptAsOf>(), 0, ExportTrajectoryHandler.PageSize, false, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new MessagesRead([Message(1)], EndedAtTextBudget: false));
        var clock = new FakeTimeProvider(SessionWorld.Now.AddSeconds(2));
        List<StoredEvent> stored =
        [
            new(Guid.NewGuid(), nameof(TranscriptAppended), changed, null, "{}"),
            new(Guid.NewGuid(), nameof(TranscriptCompacted), changed.AddTicks(10), null, "{}"),
            new(Guid.NewGuid(), nameof(SessionItemRecorded), changed.AddTicks(20), null, "{}"),
            new(Guid.NewGuid(), nameof(SessionItemRecorded), clock.GetUtcNow().UtcDateTime.AddTicks(10), null, "{}"),
        ];
        var events = new Mock<ISessionEventStore>();
        events.Setup(e => e.PageAsync(It.IsAny<Guid>(), It.IsAny<IReadOnlyList<SessionLife>>(), null, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), transcripts.Object, events.Object, clock)
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, "native", null), default)).Value;

        Assert.Equal([stored[0].Id, stored[2].Id], await export.Events.Select(e => e.Id).ToListAsync());
    }

    /// <summary>A message's text as a page counts it: content, metadata and every tool call's arguments.</summary>
    [Fact]
    public void AMessagesText_IsItsContentMetadataAndArguments()
    {
        var draft = new MessageDraft(null, MessageRole.Assistant, "12345", null, null, [new ToolCall("a", "f", "[1,2]"), new ToolCall("b", "g", "{}")], "{\"k\":1}", null);
        var message = _world.Read.AppendMessages(null, [draft], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        var bare = _world.Read.AppendMessages(null, [draft with { ToolCalls = [], MetadataJson = null }], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];

        Assert.Equal((5 + 7 + 5 + 2, 5L), (MessagesRead.TextOf(message), MessagesRead.TextOf(bare)));
    }

    /// <summary>A page of the export that ended at its text budget is followed by the next, from its last message.</summary>
    [Fact]
    public async Task AnExport_GoesOnAfterAPageThatEndedAtItsTextBudget()
    {
        Transcribed(3);
        var transcripts = new Mock<ITranscriptReadStore>();
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, It.IsAny<TranscriptAsOf>(), 0, ExportTrajectoryHandler.PageSize, false, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([Message(1), Message(2)], EndedAtTextBudget: true));
        transcripts.Setup(t => t.PageAsOfAsync(ReadLife, It.IsAny<TranscriptAsOf>(), 2, ExportTrajectoryHandler.PageSize, false, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([Message(3)], EndedAtTextBudget: false));
        var events = new Mock<ISessionEventStore>();
        events.Setup(e => e.PageAsync(It.IsAny<Guid>(), It.IsAny<IReadOnlyList<SessionLife>>(), null, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), transcripts.Object, events.Object, new FakeTimeProvider(SessionWorld.Now))
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, "native", null), default)).Value;

        Assert.Equal([1L, 2L, 3L], await export.Messages.Select(m => m.Seq).ToListAsync());
    }

    [Fact]
    public async Task AnExport_DefaultsToAtifWithoutCompactedMessages_AndRefusesUnknownFormats()
    {
        Transcribed(1);
        var transcripts = new Mock<ITranscriptReadStore>();
        transcripts.Setup(t => t.PageAsOfAsync(It.IsAny<SessionLifeKey>(), It.IsAny<TranscriptAsOf>(), 0, ExportTrajectoryHandler.PageSize, false, It.IsAny<CancellationToken>())).ReturnsAsync(new MessagesRead([Message(1)], EndedAtTextBudget: false));
        var events = new Mock<ISessionEventStore>();
        events.Setup(e => e.PageAsync(It.IsAny<Guid>(), It.IsAny<IReadOnlyList<SessionLife>>(), null, ExportTrajectoryHandler.PageSize, It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var export = (await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), transcripts.Object, events.Object, new FakeTimeProvider(SessionWorld.Now))
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, null, null), default)).Value;

        Assert.Equal(TrajectoryFormat.Atif, export.Format);
        Assert.Equal(1, await export.Messages.CountAsync());
        Assert.Equal(0, await export.Events.CountAsync());
        Assert.Equal(["Format: must be one of: atif, openai, native (NotAllowedValue)"], await Validate.ErrorsAsync(new ExportTrajectoryQuery("o", "w", _world.Reference, "csv", null), new ExportTrajectoryValidator()));
        Assert.Empty(await Validate.ErrorsAsync(new ExportTrajectoryQuery("o", "w", _world.Reference, "native", null), new ExportTrajectoryValidator()));
    }

    [Fact]
    public async Task AnExportOfAnUnseenSession_IsTheReadersError()
    {
        _world.Reads.Setup(r => r.FindWithSystemPromptAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.NotFound);

        var result = await new ExportTrajectoryHandler(_world.Reads.Object, Callers(), new Mock<ITranscriptReadStore>().Object, new Mock<ISessionEventStore>().Object, new FakeTimeProvider(SessionWorld.Now))
            .Handle(new ExportTrajectoryQuery("o", "w", _world.Reference, null, null), default);

        Assert.Same(SessionErrors.NotFound, result.Error);
    }

    /// <summary>Gives the session the handlers find <paramref name="count"/> messages (its last seq).</summary>
    private void Transcribed(int count) =>
        _world.Read.AppendMessages(null, [.. Enumerable.Range(0, count).Select(_ => new MessageDraft(null, MessageRole.User, "m", null, null, [], null, null))], _world.OwnerId, SessionWorld.Now.UtcDateTime);

    private static MessageView Message(int seq) => new(Guid.NewGuid(), seq, MessageRole.User, "m", null, null, [], null, null, SessionWorld.Now.UtcDateTime, null);

    private Task<Result<RecordedItem>> Record(ItemInput item) =>
        new RecordItemHandler(_world.As(), _items.Object).Handle(new RecordItemCommand("o", "w", _world.Reference, item), default).AsTask();

    private static ItemInput Item(string? key) => new("finding", "{}", null, key, null, null, null, null, null, null, null, null, """{"d":1}""");

    private Session NewSession(Guid owner)
    {
        var session = Session.Create(new NewSession(Guid.NewGuid(), "m", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Private, null, null, null), _world.WorkspaceId, owner, SessionWorld.Now.UtcDateTime.AddHours(-1));
        session.ClearDomainEvents();
        return session;
    }

    private CallerContext Callers(string scope = Scopes.SessionsWrite) => TestCallers.As(_world.OwnerId, _world.WorkspaceId, scope: scope);
}

internal static class SessionViews
{
    public static SessionView ToViewFor(this Session session) => SessionView.From(session, null, null);
}
