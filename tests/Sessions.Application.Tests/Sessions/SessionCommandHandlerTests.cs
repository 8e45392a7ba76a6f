using Moq;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Archive;
using Sessions.Application.Sessions.Delete;
using Sessions.Application.Sessions.Pin;
using Sessions.Application.Sessions.Update;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Application.Tests.Sessions;

/// <summary>
/// The commands about one session: an idempotent repeat answers from the read without a lock; a
/// change loads the session again, under the lock or (archive, pin) without it, guarded by its version.
/// </summary>
public sealed class SessionCommandHandlerTests
{
    private readonly SessionWorld _world = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Archive_AsAsked_OnTheSessionLoadedWithoutALock(bool archived)
    {
        if (!archived)
        {
            _world.Both(s => s.Archive(_world.OwnerId, SessionWorld.Now.UtcDateTime.AddHours(-1)));
        }

        var view = (await new ArchiveSessionHandler(_world.As()).Handle(new ArchiveSessionCommand("o", "w", _world.Reference, archived), default)).Value;

        Assert.Equal(archived, view.ArchivedAt is not null);
        Assert.Equal(archived, _world.Locked.ArchivedAt is not null);
        Assert.Equal(SessionWorld.Now.UtcDateTime, view.UpdatedAt);
        Assert.Equal(_world.OwnerChip, view.CreatedBy);
        _world.LoadedWithoutLockOnce();
    }

    /// <summary>
    /// Ids are the clients': a session deleted after the command read it and created again under its
    /// id is another session. Loaded for change by id alone, it is changed only if the caller sees it
    /// and may change it, as any other: another workspace's or another owner's private one is 404,
    /// another owner's shared one 403 to a member.
    /// </summary>
    [Theory]
    [InlineData("another workspace", SessionVisibility.Workspace, ErrorType.NotFound)]
    [InlineData("another owner", SessionVisibility.Private, ErrorType.NotFound)]
    [InlineData("another owner", SessionVisibility.Workspace, ErrorType.PermissionDenied)]
    public async Task ASessionCreatedAgainUnderItsIdSinceTheRead_IsChangedOnlyAsAnyOther(string whose, SessionVisibility visibility, ErrorType expected)
    {
        _world.RecreatedSinceTheRead(whose == "another workspace" ? Guid.NewGuid() : _world.WorkspaceId, whose == "another owner" ? Guid.NewGuid() : _world.OwnerId, visibility);

        var archive = await new ArchiveSessionHandler(_world.As()).Handle(new ArchiveSessionCommand("o", "w", _world.Reference, true), default);

        Assert.Equal(expected, archive.Error!.Type);
        Assert.Null(_world.Locked.ArchivedAt);
        Assert.Empty(_world.Locked.DomainEvents);
    }

    /// <summary>A workspace admin may change another owner's shared session created again under the id: the answer carries its owner's and sharer's chips, not the read's.</summary>
    [Fact]
    public async Task ASessionCreatedAgainUnderItsIdSinceTheRead_IsAnsweredWithItsOwnChips()
    {
        var (other, sharer) = (Guid.NewGuid(), Guid.NewGuid());
        _world.RecreatedSinceTheRead(_world.WorkspaceId, other, SessionVisibility.Private);
        _world.Locked.Share(sharer, SessionWorld.Now.UtcDateTime);
        _world.Locked.ClearDomainEvents();

        var archived = (await new ArchiveSessionHandler(_world.As(WorkspaceRole.Admin)).Handle(new ArchiveSessionCommand("o", "w", _world.Reference, true), default)).Value;

        Assert.Equal((other, sharer), (archived.CreatedBy!.Id, archived.SharedBy!.Id));
        Assert.NotNull(_world.Locked.ArchivedAt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Archive_AlreadyAsAsked_AnswersTheReadWithoutALock(bool archived)
    {
        if (archived)
        {
            _world.Both(s => s.Archive(_world.OwnerId, SessionWorld.Now.UtcDateTime.AddHours(-1)));
        }

        var view = (await new ArchiveSessionHandler(_world.As()).Handle(new ArchiveSessionCommand("o", "w", _world.Reference, archived), default)).Value;

        Assert.Equal(archived, view.ArchivedAt is not null);
        _world.LockedNever();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pin_AsAsked_OnTheSessionLoadedWithoutALock(bool pinned)
    {
        if (!pinned)
        {
            _world.Both(s => s.Pin(_world.OwnerId, SessionWorld.Now.UtcDateTime.AddHours(-1)));
        }

        var handler = new PinSessionHandler(_world.As());
        var view = (await handler.Handle(new PinSessionCommand("o", "w", _world.Reference, pinned), default)).Value;

        Assert.Equal(pinned, view.PinnedAt is not null);
        Assert.Equal(pinned, _world.Locked.PinnedAt is not null);
        _world.LoadedWithoutLockOnce();
    }

    [Fact]
    public async Task Pin_AlreadyPinned_AnswersWithoutALock()
    {
        _world.Both(s => s.Pin(_world.OwnerId, SessionWorld.Now.UtcDateTime.AddHours(-1)));

        var view = (await new PinSessionHandler(_world.As()).Handle(new PinSessionCommand("o", "w", _world.Reference, true), default)).Value;

        Assert.NotNull(view.PinnedAt);
        _world.LockedNever();
    }

    [Fact]
    public async Task AColleague_MayNotChangeASharedSession_AndAnAdminMay()
    {
        var world = new SessionWorld(SessionVisibility.Workspace);
        var colleague = await new PinSessionHandler(world.As(WorkspaceRole.Member, Guid.NewGuid())).Handle(new PinSessionCommand("o", "w", world.Reference, true), default);
        var admin = await new PinSessionHandler(world.As(WorkspaceRole.Admin, Guid.NewGuid())).Handle(new PinSessionCommand("o", "w", world.Reference, true), default);

        Assert.Same(SessionErrors.NotChangeable, colleague.Error);
        Assert.True(admin.IsSuccess);
    }

    /// <summary>What the caller may not do is refused as such, whatever If-Match it sent.</summary>
    [Fact]
    public async Task AColleaguesChange_WithAStaleETag_IsRefusedAsNotTheirs()
    {
        var world = new SessionWorld(SessionVisibility.Workspace);

        var colleague = await new PinSessionHandler(world.As(WorkspaceRole.Member, Guid.NewGuid()))
            .Handle(new PinSessionCommand("o", "w", world.Reference, true) { IfMatch = new VersionCondition(false, [world.Read.Version + 1]) }, default);

        Assert.Same(SessionErrors.NotChangeable, colleague.Error);
    }

    [Fact]
    public async Task Update_SharedByTheOwner_ShowsTheOwnersChip_WithoutReadingUsers()
    {
        var view = (await new UpdateSessionHandler(_world.As(), new Mock<IGroupReadStore>().Object)
            .Handle(Update() with { Visibility = SessionVisibility.Workspace, Title = "new" }, default)).Value;

        Assert.Equal(_world.OwnerChip, view.SharedBy);
        Assert.Equal("new", view.Title);
        _world.Reads.Verify(r => r.GetUserChipsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>Only a change that sends labels loads the session's label rows, which it replaces (ADR 0076).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Update_LoadsTheLabelRows_OnlyWhenItSendsLabels(bool sendsLabels)
    {
        var labels = new Dictionary<string, IReadOnlyList<string>> { ["team"] = ["red"] };
        var command = sendsLabels ? Update() with { Labels = labels } : Update() with { Title = "new" };

        var result = await new UpdateSessionHandler(_world.As(), new Mock<IGroupReadStore>().Object).Handle(command, default);

        Assert.True(result.IsSuccess);
        _world.LockedOnce(withLabelRows: sendsLabels);
    }

    [Fact]
    public async Task Update_WithAStaleETag_Is412_AndChangesNothing()
    {
        var result = await new UpdateSessionHandler(_world.As(), new Mock<IGroupReadStore>().Object)
            .Handle(Update() with { Title = "new", IfMatch = new VersionCondition(false, [_world.Locked.Version + 1]) }, default);

        Assert.Equal(ErrorType.PreconditionFailed, result.Error!.Type);
        Assert.Equal("t", _world.Locked.Title);
    }

    /// <summary>Every command about one session reads <c>If-Match</c>: a version the read session does not have refuses it before any lock, idempotent repeats too.</summary>
    [Fact]
    public async Task AnyCommand_WithAStaleETag_Is412_WithoutALock_EvenWhereItWouldChangeNothing()
    {
        _world.Both(s => s.Archive(s.UserId, SessionWorld.Now.UtcDateTime));
        var stale = new VersionCondition(false, [_world.Read.Version + 1]);

        var archive = await new ArchiveSessionHandler(_world.As()).Handle(new ArchiveSessionCommand("o", "w", _world.Reference, Archived: true) { IfMatch = stale }, default);
        var delete = await new DeleteSessionHandler(_world.As()).Handle(new DeleteSessionCommand("o", "w", _world.Reference) { IfMatch = stale }, default);

        Assert.Equal((ErrorType.PreconditionFailed, ErrorType.PreconditionFailed), (archive.Error!.Type, delete.Error!.Type));
        _world.LockedNever();
    }

    /// <summary>An <c>If-Match</c> holding no ETag of a session is refused saying what to send; one of a version the session is past, as changed since.</summary>
    [Fact]
    public async Task AnIfMatchHoldingNoSessionsETag_IsRefusedSayingWhatToSend_AStaleOneAsChanged()
    {
        var foreign = await new PinSessionHandler(_world.As()).Handle(new PinSessionCommand("o", "w", _world.Reference, Pinned: true) { IfMatch = new VersionCondition(false, []) }, default);
        var stale = await new PinSessionHandler(_world.As()).Handle(new PinSessionCommand("o", "w", _world.Reference, Pinned: true) { IfMatch = new VersionCondition(false, [_world.Read.Version + 1]) }, default);

        Assert.Equal(ErrorType.PreconditionFailed, foreign.Error!.Type);
        Assert.StartsWith("If-Match holds no ETag of a session", foreign.Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("The session has changed since the ETag", stale.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WhoseETagAWriterMadeStaleInBetween_Is412_AndChangesNothing()
    {
        var current = new VersionCondition(false, [_world.Read.Version]);
        _world.Locked.Update(new SessionChanges(Title: "moved"), _world.OwnerId, SessionWorld.Now.UtcDateTime);
        _world.Locked.ClearDomainEvents();

        var result = await new PinSessionHandler(_world.As()).Handle(new PinSessionCommand("o", "w", _world.Reference, Pinned: true) { IfMatch = current }, default);

        Assert.Equal(ErrorType.PreconditionFailed, result.Error!.Type);
        Assert.Null(_world.Locked.PinnedAt);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Update_WithAMatchingETag_OrAny_Applies(bool any, bool listed)
    {
        var condition = new VersionCondition(any, listed ? [7, _world.Locked.Version] : []);

        var result = await new UpdateSessionHandler(_world.As(), new Mock<IGroupReadStore>().Object).Handle(Update() with { Title = "new", IfMatch = condition }, default);

        Assert.Equal("new", result.Value.Title);
    }

    /// <summary>A change sending only what the session holds (its group too) answers the read: no write lock, no group lookup, no new version.</summary>
    [Fact]
    public async Task Update_SendingWhatTheSessionHolds_AnswersTheReadWithoutALock()
    {
        var group = Guid.NewGuid();
        _world.Both(s => s.Update(new SessionChanges(GroupId: group), s.UserId, SessionWorld.Now.UtcDateTime));
        var groups = new Mock<IGroupReadStore>();

        var result = await new UpdateSessionHandler(_world.As(), groups.Object)
            .Handle(Update() with { Title = _world.Read.Title, Model = _world.Read.Model, Visibility = _world.Read.Visibility, GroupId = group }, default);

        Assert.Equal((_world.Read.Title, _world.Read.Version, group), (result.Value.Title, result.Value.Version, result.Value.GroupId));
        groups.VerifyNoOtherCalls();
        _world.LockedNever();
    }

    [Fact]
    public async Task Update_ToAGroupTheWorkspaceLacks_Is422_WithoutALock()
    {
        var groups = new Mock<IGroupReadStore>();
        var group = Guid.NewGuid();

        var result = await new UpdateSessionHandler(_world.As(), groups.Object).Handle(Update() with { GroupId = group }, default);

        Assert.Same(GroupRules.UnknownGroup, result.Error);
        groups.Verify(g => g.ExistsAsync(_world.WorkspaceId, group, It.IsAny<CancellationToken>()), Times.Once);
        _world.LockedNever();
    }

    [Fact]
    public async Task Update_ToAGroupOfTheWorkspace_JoinsIt()
    {
        var groups = new Mock<IGroupReadStore>();
        var group = Guid.NewGuid();
        groups.Setup(g => g.ExistsAsync(_world.WorkspaceId, group, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var result = await new UpdateSessionHandler(_world.As(), groups.Object).Handle(Update() with { GroupId = group }, default);

        Assert.Equal(group, result.Value.GroupId);
    }

    [Fact]
    public async Task Update_ToPrivate_OfASharedSession_IsTheDomainsRefusal()
    {
        var world = new SessionWorld(SessionVisibility.Workspace);

        var result = await new UpdateSessionHandler(world.As(), new Mock<IGroupReadStore>().Object).Handle(Update(world) with { Visibility = SessionVisibility.Private }, default);

        Assert.Same(DomainErrors.SharedSessionCannotBecomePrivate, result.Error);
    }

    [Fact]
    public async Task Delete_RemovesTheSession_AndEvaluationEvidenceStays()
    {
        var deleted = await new DeleteSessionHandler(_world.As()).Handle(new DeleteSessionCommand("o", "w", _world.Reference), default);
        var evidence = new SessionWorld();
        evidence.Both(s => s.Freeze(evidence.OwnerId, FrozenBy.Evaluation, SessionWorld.Now.UtcDateTime));

        var refused = await new DeleteSessionHandler(evidence.As()).Handle(new DeleteSessionCommand("o", "w", evidence.Reference), default);

        Assert.Equal(_world.Read.Id, deleted.Value);
        _world.Sessions.Verify(s => s.Remove(_world.Locked), Times.Once);
        Assert.Same(DomainErrors.EvaluationEvidenceCannotBeDeleted, refused.Error);
        evidence.Sessions.Verify(s => s.Remove(It.IsAny<Session>()), Times.Never);
    }

    [Fact]
    public async Task Rewind_RemovesFromTheTarget_AndSaysWhatItRestored()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var removed = new UsageTotals(2, 0, 0, 0, 0, 0, 0m, 0);
        transcripts.Setup(t => t.PlanRewindAsync(_world.Read.Id, 3, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RewindPlan(3, MessageRole.User, false, "again", removed, removed, null, null, null));
        _world.Both(s => s.AppendMessages(null, [User("q"), User("a"), User("again"), User("more")], s.UserId, SessionWorld.Now.UtcDateTime));

        var outcome = (await new RewindSessionHandler(_world.As(), transcripts.Object).Handle(new RewindSessionCommand("o", "w", _world.Reference, 3), default)).Value;

        Assert.Equal(new RewindOutcome(2, 3, "again", _world.Locked.Version), outcome);
        transcripts.Verify(t => t.DeleteFromAsync(_world.Read.Id, 3, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Single(_world.Locked.DomainEvents.OfType<TranscriptRewound>());
    }

    [Fact]
    public async Task Rewind_ToNoMessage_Is422AtFromSeq_AndDeletesNothing()
    {
        var transcripts = new Mock<ITranscriptStore>();

        var result = await new RewindSessionHandler(_world.As(), transcripts.Object).Handle(new RewindSessionCommand("o", "w", _world.Reference, 9), default);

        Assert.Equal(["FromSeq: no message of this session has this seq (InvalidValue)"], result.Error!.Fields!.Said());
        transcripts.Verify(t => t.DeleteFromAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Rewind_ToAnAssistantMessage_IsTheDomainsRefusal_AndDeletesNothing()
    {
        var transcripts = new Mock<ITranscriptStore>();
        transcripts.Setup(t => t.PlanRewindAsync(It.IsAny<Guid>(), 2, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new RewindPlan(2, MessageRole.Assistant, false, "a", UsageTotals.Zero, UsageTotals.Zero, null, null, null));

        var result = await new RewindSessionHandler(_world.As(), transcripts.Object).Handle(new RewindSessionCommand("o", "w", _world.Reference, 2), default);

        Assert.Same(DomainErrors.RewindTargetNotAUserMessage, result.Error);
        transcripts.Verify(t => t.DeleteFromAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Rewind_OfASessionFrozenBetweenItsReadAndItsLock_IsRefusedBeforeItsTargetIsLookedFor()
    {
        var transcripts = new Mock<ITranscriptStore>();
        _world.Locked.Freeze(_world.OwnerId, FrozenBy.User, SessionWorld.Now.UtcDateTime);

        var result = await new RewindSessionHandler(_world.As(), transcripts.Object).Handle(new RewindSessionCommand("o", "w", _world.Reference, 9), default);

        Assert.Same(DomainErrors.SessionAlreadyFrozen, result.Error);
        transcripts.Verify(t => t.PlanRewindAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Rewind_OfAWorkerSession_IsRefusedWithoutALock()
    {
        var world = new SessionWorld(origin: SessionOrigin.Worker);

        var result = await new RewindSessionHandler(world.As(), new Mock<ITranscriptStore>().Object).Handle(new RewindSessionCommand("o", "w", world.Reference, 1), default);

        Assert.Equal(nameof(DomainErrors.RewindNeedsAUserSession), result.Error!.Code);
        world.LockedNever();
    }

    [Fact]
    public async Task Compact_MovesSumsOutAndAddsTheSummary()
    {
        var transcripts = new Mock<ITranscriptStore>();
        _world.Both(s => s.AppendMessages(null, [User("q"), User("a")], s.UserId, SessionWorld.Now.UtcDateTime.AddMinutes(-1)));
        transcripts.Setup(t => t.CompactAsync(_world.Read.Id, 2, SessionWorld.Now.UtcDateTime, It.IsAny<CancellationToken>())).ReturnsAsync(new UsageTotals(2, 0, 0, 0, 0, 0, 0m, 0));
        IEnumerable<SessionMessage>? added = null;
        transcripts.Setup(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>())).Callback<IEnumerable<SessionMessage>>(m => added = m);

        var view = (await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary(), 2), default)).Value;

        Assert.Equal(3, Assert.Single(added!).Seq);
        Assert.Equal((3L, 1L), (view.Usage.TotalMessageCount, view.Usage.CurrentMessageCount));
    }

    /// <summary>
    /// A change made where the clock reads no later than the session's last change (another
    /// instance's clock behind) is stamped a microsecond after it: a session's times never go back.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public async Task AChange_WhereTheClockIsBehindTheSessionsLastChange_IsStampedJustAfterIt(int minutesAhead)
    {
        var last = SessionWorld.Now.UtcDateTime.AddMinutes(minutesAhead);
        _world.Both(s => s.Pin(s.UserId, last));

        var view = (await new ArchiveSessionHandler(_world.As()).Handle(new ArchiveSessionCommand("o", "w", _world.Reference, true), default)).Value;

        var after = last.AddTicks(TimeSpan.TicksPerMicrosecond);
        Assert.Equal((after, after), (view.UpdatedAt, view.ArchivedAt!.Value));
        Assert.Equal(after, Assert.Single(_world.Locked.DomainEvents).OccurredAt);
    }

    /// <summary>Under the lock, a session unchanged since the read is not asked again for the summary's id: the read's answer stands.</summary>
    [Fact]
    public async Task Compact_WithANewSummaryId_LooksTheIdUpOnce_WhenTheSessionDidNotChange()
    {
        var transcripts = new Mock<ITranscriptStore>();
        _world.Both(s => s.AppendMessages(null, [User("q"), User("a")], s.UserId, SessionWorld.Now.UtcDateTime.AddMinutes(-1)));
        transcripts.Setup(t => t.CompactAsync(_world.Read.Id, 2, SessionWorld.Now.UtcDateTime, It.IsAny<CancellationToken>())).ReturnsAsync(new UsageTotals(2, 0, 0, 0, 0, 0, 0m, 0));
        transcripts.Setup(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var view = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = Guid.NewGuid() }, 2), default);

        Assert.True(view.IsSuccess);
        transcripts.Verify(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>A summary that would bring the lifetime usage past what is stored is refused: nothing is added, and the compaction marks go with the refused change.</summary>
    [Fact]
    public async Task Compact_WithASummaryPastTheStoredUsage_IsRefused_AndAddsNothing()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var costly = new MessageDraft(null, MessageRole.Assistant, "a", null, null, [], null, new MessageUsage(1, 1, 0, 0, UsageTotals.MaxCostUsd));
        _world.Both(s => s.AppendMessages(null, [costly], s.UserId, SessionWorld.Now.UtcDateTime));
        transcripts.Setup(t => t.CompactAsync(_world.Read.Id, 1, SessionWorld.Now.UtcDateTime, It.IsAny<CancellationToken>())).ReturnsAsync(new UsageTotals(1, 1, 1, 0, 0, 0, UsageTotals.MaxCostUsd, 0));

        var result = await new CompactTranscriptHandler(_world.As(), transcripts.Object)
            .Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Usage = new UsageInput(1, 0, 0, 0, 1m) }, 1), default);

        Assert.Same(DomainErrors.UsageBeyondWhatIsStored, result.Error);
        transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
    }

    [Fact]
    public async Task Compact_WithTheIdOfAStoredSummary_IsARetry_AnsweredWithoutALock_EvenFrozen()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var summaryId = Guid.NewGuid();
        _world.Read.AppendMessages(null, [User("q")], _world.OwnerId, SessionWorld.Now.UtcDateTime);
        var stored = SummaryOf(_world.Read, 1, summaryId);
        _world.Both(s => s.Freeze(s.UserId, FrozenBy.User, SessionWorld.Now.UtcDateTime));
        transcripts.Setup(t => t.FindByIdsAsync(new SessionLifeKey(_world.Read.Id, _world.Read.CreatedAt), It.Is<IReadOnlyCollection<Guid>>(ids => ids.Contains(summaryId)), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([stored]);

        var view = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = summaryId }, 1), default);

        Assert.Equal(_world.Read.Id, view.Value.Id);
        _world.LockedNever();
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Compact_WhoseSummaryAWriterStoredInBetween_IsAnsweredUnderTheLock_CompactingNothing()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var summaryId = Guid.NewGuid();
        _world.Both(s => s.AppendMessages(null, [User("q"), User("a")], s.UserId, SessionWorld.Now.UtcDateTime));
        var stored = SummaryOf(_world.Locked, 2, summaryId);
        _world.Locked.ClearDomainEvents();
        transcripts.SetupSequence(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([])
            .ReturnsAsync([stored]);

        var view = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = summaryId }, 2), default);

        Assert.True(view.IsSuccess);
        _world.LockedOnce();
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
    }

    /// <summary>The same when the session holding the summary is another life of the id, at the version the read saw.</summary>
    [Fact]
    public async Task Compact_OfASessionCreatedAgainAtTheSameVersion_WithTheSummary_IsAnsweredUnderTheLock_CompactingNothing()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var summaryId = Guid.NewGuid();
        _world.Read.AppendMessages(null, [User("q")], _world.OwnerId, SessionWorld.Now.UtcDateTime);
        _world.Read.AppendMessages(null, [User("a")], _world.OwnerId, SessionWorld.Now.UtcDateTime);
        _world.RecreatedSinceTheRead(_world.WorkspaceId, _world.OwnerId, SessionVisibility.Private);
        _world.Locked.AppendMessages(null, [User("q")], _world.OwnerId, SessionWorld.Now.UtcDateTime);
        var stored = SummaryOf(_world.Locked, 1, summaryId);
        _world.Locked.ClearDomainEvents();
        Assert.Equal(_world.Read.Version, _world.Locked.Version);
        transcripts.SetupSequence(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([])
            .ReturnsAsync([stored]);

        var view = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = summaryId }, 1), default);

        Assert.True(view.IsSuccess);
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
    }

    /// <summary>A summary id another message holds is no retry: the compaction did not happen, and is refused without a lock.</summary>
    [Fact]
    public async Task Compact_WithTheIdOfAMessageThatIsNoSummary_IsRefusedWithoutALock()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var messageId = Guid.NewGuid();
        var stored = _world.Read.AppendMessages(null, [User("q"), new MessageDraft(messageId, MessageRole.User, "a", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[1];
        transcripts.Setup(t => t.FindByIdsAsync(new SessionLifeKey(_world.Read.Id, _world.Read.CreatedAt), It.Is<IReadOnlyCollection<Guid>>(ids => ids.Contains(messageId)), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([stored]);

        var result = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = messageId }, 1), default);

        Assert.Equal(DomainErrors.SummaryIdTaken(2, null), result.Error);
        _world.LockedNever();
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>The summary of another compaction is no retry of this one either.</summary>
    [Fact]
    public async Task Compact_WithTheIdOfTheSummaryOfACompactionUpToAnotherSeq_IsRefused()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var summaryId = Guid.NewGuid();
        _world.Read.AppendMessages(null, [User("q")], _world.OwnerId, SessionWorld.Now.UtcDateTime);
        var stored = SummaryOf(_world.Read, 1, summaryId);
        transcripts.Setup(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([stored]);

        var result = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = summaryId }, 2), default);

        Assert.Equal(DomainErrors.SummaryIdTaken(2, 1), result.Error);
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>Once frozen, such a compaction is refused as the compaction of a frozen session (CONTRACT 5.1).</summary>
    [Fact]
    public async Task Compact_OfAFrozenSession_WithTheIdOfAMessageThatIsNoSummary_IsRefusedAsFrozen()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var messageId = Guid.NewGuid();
        var stored = _world.Read.AppendMessages(null, [new MessageDraft(messageId, MessageRole.User, "q", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        _world.Both(s => s.Freeze(s.UserId, FrozenBy.User, SessionWorld.Now.UtcDateTime));
        transcripts.Setup(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([stored]);

        var result = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = messageId }, 1), default);

        Assert.Same(DomainErrors.SessionAlreadyFrozen, result.Error);
    }

    /// <summary>A message another writer stored under the summary's id between the read and the lock refuses the compaction under the lock.</summary>
    [Fact]
    public async Task Compact_WhoseSummaryIdAWriterTookInBetween_IsRefusedUnderTheLock()
    {
        var transcripts = new Mock<ITranscriptStore>();
        var messageId = Guid.NewGuid();
        _world.Both(s => s.AppendMessages(null, [User("q"), User("a")], s.UserId, SessionWorld.Now.UtcDateTime));
        var stored = _world.Locked.AppendMessages(null, [new MessageDraft(messageId, MessageRole.User, "b", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        _world.Locked.ClearDomainEvents();
        transcripts.SetupSequence(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([])
            .ReturnsAsync([stored]);

        var result = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary() with { Id = messageId }, 2), default);

        Assert.Equal(DomainErrors.SummaryIdTaken(3, null), result.Error);
        _world.LockedOnce();
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Compact_BeyondTheTranscript_IsRefusedWithoutALock()
    {
        var result = await new CompactTranscriptHandler(_world.As(), new Mock<ITranscriptStore>().Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary(), 1), default);

        Assert.Equal(nameof(DomainErrors.CompactionOutsideTheTranscript), result.Error!.Code);
        _world.LockedNever();
    }

    [Fact]
    public async Task Compact_OfASessionFrozenMeanwhile_IsRefusedUnderTheLock()
    {
        var transcripts = new Mock<ITranscriptStore>();
        _world.Both(s => s.AppendMessages(null, [User("q")], s.UserId, SessionWorld.Now.UtcDateTime));
        _world.Locked.Freeze(_world.OwnerId, FrozenBy.User, SessionWorld.Now.UtcDateTime);

        var result = await new CompactTranscriptHandler(_world.As(), transcripts.Object).Handle(new CompactTranscriptCommand("o", "w", _world.Reference, Summary(), 1), default);

        Assert.Same(DomainErrors.SessionAlreadyFrozen, result.Error);
        transcripts.Verify(t => t.CompactAsync(It.IsAny<Guid>(), It.IsAny<long>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>A summary with this id, appended by a compaction up to <paramref name="upToSeq"/>.</summary>
    private static SessionMessage SummaryOf(Session session, long upToSeq, Guid summaryId) =>
        session.Compact(upToSeq, new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0), new MessageDraft(summaryId, MessageRole.System, "summary", null, null, [], null, null), session.UserId, SessionWorld.Now.UtcDateTime).Value;

    private static MessageDraft User(string content) => new(null, MessageRole.User, content, null, null, [], null, null);

    private static MessageInput Summary() => new(null, MessageRole.System, "summary", null, null, [], null, null);

    private UpdateSessionCommand Update(SessionWorld? world = null) =>
        new("o", "w", (world ?? _world).Reference, null, null, null, null, null, null, null, null);
}
