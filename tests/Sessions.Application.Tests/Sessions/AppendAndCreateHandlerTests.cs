using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Create;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Sessions;

public sealed class AppendAndCreateHandlerTests
{
    private readonly SessionWorld _world = new();
    private readonly Mock<ITranscriptStore> _transcripts = new();
    private long _bodyLimit = TranscriptRules.MaxRetriedText;

    public AppendAndCreateHandlerTests() =>
        _transcripts.Setup(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

    [Fact]
    public async Task Append_StoresNewMessages_InOrder_WithTheContext()
    {
        var stored = new List<SessionMessage>();
        _transcripts.Setup(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>())).Callback<IEnumerable<SessionMessage>>(stored.AddRange);

        var answer = (await Append(new ContextInput("agent", "model-2", "prompt"), Message("q"), Message("a", MessageRole.Assistant))).Value;

        Assert.Equal([1L, 2L], answer.Messages.Select(m => m.Seq));
        Assert.Equal(["q", "a"], stored.Select(m => m.Content));
        Assert.Equal(("agent", "model-2"), (_world.Locked.Agent, _world.Locked.Model));
        var (prompt, replaces) = Assert.Single(_world.PromptsStored);
        Assert.Equal((_world.Locked.Id, "prompt", false), (prompt.SessionId, prompt.Text, replaces));
        _world.Sessions.Verify(s => s.GetPromptAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        _world.LockedOnce();
    }

    /// <summary>
    /// The session's digest tells a prompt sent from the stored one: the same one again is neither
    /// read nor stored, another one replaces it, and neither needs the stored text.
    /// </summary>
    [Theory]
    [InlineData("prompt", false)]
    [InlineData("another prompt", true)]
    public async Task Append_OfAPrompt_ToASessionThatKnowsItsDigest_NeverReadsTheStoredOne(string sent, bool stores)
    {
        _world.Both(s => s.AppendMessages(new TranscriptContext(null, s.Model, "prompt"), [], _world.OwnerId, SessionWorld.Now.UtcDateTime));

        Assert.True((await Append(new ContextInput(null, "m", sent), Message("q"))).IsSuccess);

        _world.Sessions.Verify(s => s.GetPromptAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal(stores ? [(sent, true)] : [], _world.PromptsStored.Select(p => (p.Prompt.Text, p.Replaces)));
        Assert.Equal(SessionPrompt.DigestOf(sent), _world.Locked.SystemPromptDigest);
    }

    /// <summary>
    /// A prompt stored before sessions kept digests is read once, by the first append that sends a
    /// prompt, and stored again with its digest (the same text, when the same was sent).
    /// </summary>
    [Theory]
    [InlineData("stored", true)]
    [InlineData("sent", false)]
    public async Task Append_OfAPrompt_ToASessionThatDoesNotKnowItsDigest_ReadsTheStoredOne_AndStoresWhatWasSent(string stored, bool changes)
    {
        _world.PromptStoredBeforeDigests(stored);

        Assert.True((await Append(new ContextInput(null, "m", "sent"), Message("q"))).IsSuccess);

        _world.Sessions.Verify(s => s.GetPromptAsync(_world.Locked.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal([("sent", true)], _world.PromptsStored.Select(p => (p.Prompt.Text, p.Replaces)));
        Assert.True(_world.Locked.KnowsItsPromptDigest);
        Assert.Equal(changes, _world.Locked.DomainEvents.OfType<Domain.Sessions.Events.SessionUpdated>().Any(e => e.Fields.Contains("system_prompt")));
    }

    /// <summary>An append that sends no prompt neither reads nor stores one, whatever the session knows.</summary>
    [Fact]
    public async Task Append_WithoutAPrompt_ToASessionThatDoesNotKnowItsDigest_NeitherReadsNorStoresOne()
    {
        _world.PromptStoredBeforeDigests("stored");

        Assert.True((await Append(new ContextInput("agent", "m", null), Message("q"))).IsSuccess);

        _world.Sessions.Verify(s => s.GetPromptAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(_world.PromptsStored);
        Assert.False(_world.Locked.KnowsItsPromptDigest);
    }

    [Fact]
    public async Task Append_MixedRetriesAndNewOnes_StoresOnlyTheNewOnes_OnceEach()
    {
        var known = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        var earlier = _world.Locked.AppendMessages(null, [new MessageDraft(known, MessageRole.User, "q", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        _world.Locked.ClearDomainEvents();
        _transcripts.Setup(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([earlier]);
        var stored = new List<SessionMessage>();
        _transcripts.Setup(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>())).Callback<IEnumerable<SessionMessage>>(stored.AddRange);

        var answer = (await Append(null, Message("q") with { Id = known }, Message("new") with { Id = fresh }, Message("new") with { Id = fresh })).Value;

        Assert.Equal([fresh], stored.Select(m => m.Id));
        Assert.Equal([known, fresh, fresh], answer.Messages.Select(m => m.Id));
        Assert.Equal([1L, 2L, 2L], answer.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task Append_ToAFrozenSession_IsRefused()
    {
        _world.Both(s => s.Freeze(s.UserId, FrozenBy.User, SessionWorld.Now.UtcDateTime));

        var result = await Append(null, Message("q"));

        Assert.Same(DomainErrors.SessionAlreadyFrozen, result.Error);
        _transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
    }

    /// <summary>A batch of retries is the retry of an append that happened: answered as stored, its context not applied again, frozen or not.</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Append_OnlyRetries_AnswersTheStoredMessages_WithoutALock_AndChangesNothing(bool withContext, bool frozen)
    {
        var id = Guid.NewGuid();
        var earlier = _world.Read.AppendMessages(null, [new MessageDraft(id, MessageRole.User, "q", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        if (frozen)
        {
            _world.Both(s => s.Freeze(s.UserId, FrozenBy.User, SessionWorld.Now.UtcDateTime));
        }

        _transcripts.Setup(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync([earlier]);
        var (model, version) = (_world.Read.Model, _world.Read.Version);

        var answer = (await Append(withContext ? new ContextInput("agent", "model-2", "prompt") : null, Message("q") with { Id = id })).Value;

        Assert.Equal(earlier.Id, Assert.Single(answer.Messages).Id);
        Assert.Equal((model, version), (_world.Read.Model, _world.Read.Version));
        _world.LockedNever();
        _transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Append_FoundAllRetriesOnlyUnderTheLock_AnswersThemAsStored_EvenWhenFrozenMeanwhile(bool withContext)
    {
        var id = Guid.NewGuid();
        var earlier = _world.Locked.AppendMessages(null, [new MessageDraft(id, MessageRole.User, "q", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        _world.Locked.Freeze(_world.Locked.UserId, FrozenBy.User, SessionWorld.Now.UtcDateTime);
        _world.Locked.ClearDomainEvents();
        _transcripts.SetupSequence(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([])
            .ReturnsAsync([earlier]);

        var (model, version) = (_world.Locked.Model, _world.Locked.Version);

        var answer = (await Append(withContext ? new ContextInput("agent", "model-2", "prompt") : null, Message("q") with { Id = id })).Value;

        Assert.Equal(earlier.Id, Assert.Single(answer.Messages).Id);
        Assert.Equal((model, version), (_world.Locked.Model, _world.Locked.Version));
        Assert.Empty(_world.Locked.DomainEvents);
        _world.LockedOnce();
        _transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
    }

    /// <summary>
    /// The session read was deleted and created again under its id before the write turn, and
    /// changed as often since: same version, another life. What the read found stored is not
    /// stored in it, so the ids are looked up again and the message the read knew is appended.
    /// </summary>
    [Fact]
    public async Task Append_ToASessionCreatedAgainUnderItsId_AtTheSameVersion_LooksTheRetriesUpAgain()
    {
        var known = Guid.NewGuid();
        var earlier = _world.Read.AppendMessages(null, [new MessageDraft(known, MessageRole.User, "q", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value[0];
        _world.RecreatedSinceTheRead(_world.WorkspaceId, _world.OwnerId, SessionVisibility.Private);
        _world.Locked.AppendMessages(null, [new MessageDraft(Guid.NewGuid(), MessageRole.User, "other", null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime);
        _world.Locked.ClearDomainEvents();
        Assert.Equal(_world.Read.Version, _world.Locked.Version);
        _transcripts.SetupSequence(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([earlier])
            .ReturnsAsync([]);
        var stored = new List<SessionMessage>();
        _transcripts.Setup(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>())).Callback<IEnumerable<SessionMessage>>(stored.AddRange);

        var answer = (await Append(null, Message("q") with { Id = known }, Message("new") with { Id = Guid.NewGuid() })).Value;

        Assert.Equal(known, stored[0].Id);
        Assert.Equal(2, stored.Count);
        Assert.Equal([2L, 3L], answer.Messages.Select(m => m.Seq));
        _transcripts.Verify(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    /// <summary>
    /// A retry answers each named message as stored: the stored messages one append names hold at
    /// most <see cref="TranscriptRules.MaxRetriedText"/> of text, counted over content, metadata
    /// and tool arguments, whether found before the lock or looked up again under it.
    /// </summary>
    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public async Task Append_NamingStoredMessagesOfMoreTextThanARetryHolds_IsRefused_StoringNothing(bool underTheLock, int overBy)
    {
        var half = (int)(TranscriptRules.MaxRetriedText / 2);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var stored = _world.Locked.AppendMessages(
            null,
            [
                new MessageDraft(first, MessageRole.User, new string('a', half - 3), null, null, [], "[1]", null),
                new MessageDraft(second, MessageRole.Assistant, new string('b', half - 4 + overBy), null, null, [new ToolCall("c", "f", "{}")], "{}", null),
            ],
            _world.OwnerId,
            SessionWorld.Now.UtcDateTime).Value;
        _world.Locked.ClearDomainEvents();
        Assert.Equal(TranscriptRules.MaxRetriedText + overBy, stored.Sum(MessagesRead.TextOf));
        if (underTheLock)
        {
            _transcripts.SetupSequence(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync([])
                .ReturnsAsync(stored);
        }
        else
        {
            _transcripts.Setup(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync(stored);
        }

        var result = await Append(null, Message("") with { Id = first }, Message("") with { Id = second }, Message("new"));

        if (overBy == 0)
        {
            Assert.Equal([first, second], result.Value.Messages.Take(2).Select(m => m.Id));
            return;
        }

        Assert.Equal(
            ["Messages: names stored messages holding more than 16777216 characters of text (content, metadata and tool arguments) beyond what it sends of them, which a retry answers whole: send fewer of them at once (TooLong)"],
            result.Error!.Fields!.Said());
        _transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
        _transcripts.Verify(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Exactly(underTheLock ? 2 : 1));
    }

    /// <summary>
    /// A batch that named stored messages by id and sent new ones passes again when sent again
    /// whole, its new messages stored since: a message sent with its content counts only the
    /// stored text beyond what it sends, so the new ones count nothing the second time. One sent
    /// with less than is stored counts the rest.
    /// </summary>
    [Theory]
    [InlineData(100, false)]
    [InlineData(1, true)]
    public async Task Append_SentAgainWhole_CountsOnlyStoredTextBeyondWhatItSends(int sentAgain, bool refused)
    {
        var (earlier, added) = (Guid.NewGuid(), Guid.NewGuid());
        var stored = _world.Locked.AppendMessages(
            null,
            [
                new MessageDraft(earlier, MessageRole.User, new string('a', (int)TranscriptRules.MaxRetriedText - 10), null, null, [], null, null),
                new MessageDraft(added, MessageRole.Assistant, new string('b', 100), null, null, [], null, null),
            ],
            _world.OwnerId,
            SessionWorld.Now.UtcDateTime).Value;
        _world.Locked.ClearDomainEvents();
        _transcripts.Setup(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var result = await Append(null, Message("") with { Id = earlier }, Message(new string('b', sentAgain), MessageRole.Assistant) with { Id = added });

        Assert.Equal(refused, !result.IsSuccess);
        if (!refused)
        {
            Assert.Equal([earlier, added], result.Value.Messages.Select(m => m.Id));
            Assert.Equal(100, result.Value.Messages[1].Content.Length);
        }

        _transcripts.Verify(t => t.Add(It.IsAny<IEnumerable<SessionMessage>>()), Times.Never);
        _transcripts.Verify(t => t.FindByIdsAsync(It.IsAny<SessionLifeKey>(), It.IsAny<IReadOnlyCollection<Guid>>(), TranscriptRules.MaxRetriedText + sentAgain, It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>
    /// A message named twice is answered twice: its text counts twice toward the bound, which is
    /// the body limit when that is more than 16 Mi (a batch stored from one body, sent again, is a
    /// retry whatever the limit).
    /// </summary>
    [Theory]
    [InlineData(0, 2, true)]
    [InlineData(0, 1, false)]
    [InlineData(2 * TranscriptRules.MaxRetriedText, 2, false)]
    [InlineData((2 * TranscriptRules.MaxRetriedText) - 1, 2, true)]
    public async Task Append_NamingAStoredMessageTwice_CountsItsTextTwice_AgainstTheLargerOfTheBoundAndTheBodyLimit(long bodyLimit, int times, bool refused)
    {
        _bodyLimit = bodyLimit;
        var id = Guid.NewGuid();
        var stored = _world.Locked.AppendMessages(null, [new MessageDraft(id, MessageRole.User, new string('a', (int)TranscriptRules.MaxRetriedText), null, null, [], null, null)], _world.OwnerId, SessionWorld.Now.UtcDateTime).Value;
        _world.Locked.ClearDomainEvents();
        _transcripts.Setup(t => t.FindByIdsAsync(It.Is<SessionLifeKey>(k => k.Id == _world.Read.Id), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<long>(), It.IsAny<CancellationToken>())).ReturnsAsync(stored);

        var result = await Append(null, [.. Enumerable.Repeat(Message("") with { Id = id }, times)]);

        Assert.Equal(refused, !result.IsSuccess);
        Assert.Equal(Math.Max(TranscriptRules.MaxRetriedText, bodyLimit), new TranscriptLimits(bodyLimit).MaxRetriedText);
        if (refused)
        {
            Assert.Equal(
                [$"Messages: names stored messages holding more than {Math.Max(TranscriptRules.MaxRetriedText, bodyLimit)} characters of text (content, metadata and tool arguments) beyond what it sends of them, which a retry answers whole: send fewer of them at once (TooLong)"],
                result.Error!.Fields!.Said());
        }
    }

    [Fact]
    public async Task Create_MakesTheCallerTheOwner_WithTheDefaults()
    {
        var sessions = new Mock<ISessionRepository>();
        Session? added = null;
        sessions.Setup(s => s.Add(It.IsAny<Session>())).Callback<Session>(s => added = s);
        var id = Guid.NewGuid();

        var view = (await Create(sessions, WorkspaceRole.Member, new CreateSessionCommand("o", "w", id, "model", null, null, null, null, null, null, null, null, null))).Value;

        Assert.Equal((id, _world.OwnerId, SessionOrigin.User, SessionVisibility.Private, 0), (view.Id, view.UserId, view.Origin, view.Visibility, view.MessageCount));
        Assert.Equal(_world.OwnerId, view.CreatedBy!.Id);
        Assert.Null(view.SharedBy);
        Assert.Empty(view.Labels);
        Assert.Equal((_world.WorkspaceId, SessionWorld.Now.UtcDateTime), (added!.WorkspaceId, added.CreatedAt));
    }

    [Fact]
    public async Task Create_Shared_ShowsTheOwnerAsSharer_AndKeepsWhatWasGiven()
    {
        var labels = new Dictionary<string, IReadOnlyList<string>> { ["k"] = ["v"] };
        var project = Guid.NewGuid();

        var view = (await Create(new Mock<ISessionRepository>(), WorkspaceRole.Member, new CreateSessionCommand("o", "w", Guid.NewGuid(), "m", "t", "a", labels, 4, SessionOrigin.Eval, SessionVisibility.Workspace, project, null, null))).Value;

        Assert.Equal(_world.OwnerId, view.SharedBy!.Id);
        Assert.Equal(("t", "a", 4, SessionOrigin.Eval, project), (view.Title, view.Agent, view.MessageCount, view.Origin, view.ProjectId!.Value));
        Assert.Equal(["v"], view.Labels["k"]);
    }

    [Fact]
    public async Task Create_RefusesViewersTakenIdsAndUnknownGroups()
    {
        var sessions = new Mock<ISessionRepository>();
        var taken = Guid.NewGuid();
        sessions.Setup(s => s.ExistsAsync(taken, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var command = new CreateSessionCommand("o", "w", Guid.NewGuid(), "m", null, null, null, null, null, null, null, null, null);

        var viewer = await Create(sessions, WorkspaceRole.Viewer, command);
        var duplicate = await Create(sessions, WorkspaceRole.Member, command with { Id = taken });
        var unknownGroup = await Create(sessions, WorkspaceRole.Member, command with { GroupId = Guid.NewGuid() });

        Assert.Equal((ErrorType.PermissionDenied, "Viewers cannot create sessions."), (viewer.Error!.Type, viewer.Error.Message));
        Assert.Equal((ErrorType.AlreadyExists, $"A session with id {taken} already exists."), (duplicate.Error!.Type, duplicate.Error.Message));
        Assert.Same(GroupRules.UnknownGroup, unknownGroup.Error);
        sessions.Verify(s => s.Add(It.IsAny<Session>()), Times.Never);
    }

    private Task<Result<SessionView>> Create(Mock<ISessionRepository> sessions, WorkspaceRole role, CreateSessionCommand command)
    {
        return new CreateSessionHandler(sessions.Object, _world.Reads.Object, new Mock<IGroupReadStore>().Object, TestCallers.As(_world.OwnerId, _world.WorkspaceId, role), new FakeTimeProvider(SessionWorld.Now))
            .Handle(command, default).AsTask();
    }

    private Task<Result<TranscriptMessages>> Append(ContextInput? context, params MessageInput[] messages) =>
        new AppendTranscriptHandler(_world.As(), _transcripts.Object, new TranscriptLimits(_bodyLimit)).Handle(new AppendTranscriptCommand("o", "w", _world.Reference, context, messages), default).AsTask();

    private static MessageInput Message(string content, MessageRole role = MessageRole.User) => new(null, role, content, null, null, [], null, null);
}
