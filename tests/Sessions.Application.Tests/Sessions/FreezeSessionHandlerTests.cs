using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Freeze;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Sessions;

public sealed class FreezeSessionHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 5, 9, TimeSpan.Zero);
    private readonly Guid _workspaceId = Guid.NewGuid();
    private readonly Guid _ownerId = Guid.NewGuid();
    private readonly Mock<ISessionReadStore> _reads = new();
    private readonly Mock<ISessionRepository> _sessions = new();
    private readonly Mock<IUnitOfWork> _unitOfWork = new();
    private readonly CallerContext _callers = new();
    private readonly Session _read;
    private readonly Session _locked;

    public FreezeSessionHandlerTests()
    {
        _read = NewSession();
        _locked = NewSession();
        _reads.Setup(r => r.FindAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Result<SessionRead>.Success(new SessionRead(_read, null, null)));
        _sessions.Setup(s => s.GetForChangeAsync(_read.Id, It.IsAny<CancellationToken>())).ReturnsAsync(_locked);
    }

    [Fact]
    public async Task Owner_FreezesAsUser_AtTheClocksTime_OnTheSessionLoadedWithoutALock()
    {
        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(FrozenBy.User, result.Value.FrozenBy);
        Assert.Equal(Now.UtcDateTime, result.Value.FrozenAt);
        Assert.Single(_locked.DomainEvents);
        Assert.Empty(_read.DomainEvents);
        _sessions.Verify(s => s.GetForChangeAsync(_read.Id, It.IsAny<CancellationToken>()), Times.Once);
        _sessions.Verify(s => s.GetForUpdateAsync(It.IsAny<Guid>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
        _unitOfWork.Verify(u => u.BeginWriteAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Rerun_AfterALostRace_LoadsUnderTheWriteLock()
    {
        _unitOfWork.SetupGet(u => u.Rerunning).Returns(true);
        _sessions.Setup(s => s.GetForUpdateAsync(_read.Id, false, It.IsAny<CancellationToken>())).ReturnsAsync(_locked);

        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(Now.UtcDateTime, result.Value.FrozenAt);
        Assert.Single(_locked.DomainEvents);
        _unitOfWork.Verify(u => u.BeginWriteAsync(_read.Id, It.IsAny<CancellationToken>()), Times.Once);
        _sessions.Verify(s => s.GetForUpdateAsync(_read.Id, false, It.IsAny<CancellationToken>()), Times.Once);
        _sessions.Verify(s => s.GetForChangeAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task EvaluationService_FreezesAnySessionAsEvaluation()
    {
        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Member, Scopes.SessionsEvaluate);

        Assert.Equal(FrozenBy.Evaluation, result.Value.FrozenBy);
    }

    /// <summary>The session loaded for change is checked by the audience that found it: the evaluation service sees another member's private session too.</summary>
    [Fact]
    public async Task EvaluationService_FreezesAnotherMembersPrivateSession()
    {
        var read = NewSession(SessionVisibility.Private);
        var locked = NewSession(SessionVisibility.Private);
        _reads.Setup(r => r.FindAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Result<SessionRead>.Success(new SessionRead(read, null, null)));
        _sessions.Setup(s => s.GetForChangeAsync(read.Id, It.IsAny<CancellationToken>())).ReturnsAsync(locked);

        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Member, Scopes.SessionsEvaluate);

        Assert.Equal(FrozenBy.Evaluation, result.Value.FrozenBy);
        Assert.True(locked.IsFrozen);
    }

    [Theory]
    [InlineData(Scopes.SessionsEvaluate, WorkspaceRole.Member, true)]
    [InlineData(Scopes.SessionsEvaluate, WorkspaceRole.Admin, true)]
    [InlineData(Scopes.SessionsEvaluate, WorkspaceRole.Viewer, false)]
    [InlineData(Scopes.SessionsWrite, WorkspaceRole.Member, false)]
    public async Task OnlyTheEvaluationService_FindsAmongEverySessionOfTheWorkspace_NotAsAViewer(string scope, WorkspaceRole role, bool seesAll)
    {
        await Handle(Guid.NewGuid(), role, scope);

        _reads.Verify(r => r.FindAsync(It.Is<SessionAudience>(a => a.SeesAllSessions == seesAll && a.WorkspaceId == _workspaceId), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task WorkspaceAdmin_FreezesAnotherMembersSession()
    {
        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Admin, Scopes.SessionsWrite);

        Assert.Equal(FrozenBy.User, result.Value.FrozenBy);
    }

    [Theory]
    [InlineData(WorkspaceRole.Member, Scopes.SessionsWrite)]
    [InlineData(WorkspaceRole.Viewer, Scopes.SessionsWrite)]
    [InlineData(WorkspaceRole.Viewer, Scopes.SessionsEvaluate)]
    public async Task NonOwnerMemberOrViewer_Is403_WithoutLoadingForChange(WorkspaceRole role, string scope)
    {
        var result = await Handle(Guid.NewGuid(), role, scope);

        Assert.Equal(ErrorType.PermissionDenied, result.Error!.Type);
        Assert.Null(_locked.FrozenAt);
        _unitOfWork.Verify(u => u.BeginWriteAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        _sessions.Verify(s => s.GetForChangeAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task OwnerWhoIsViewer_Is403()
    {
        var result = await Handle(_ownerId, WorkspaceRole.Viewer, Scopes.SessionsWrite);

        Assert.Equal(ErrorType.PermissionDenied, result.Error!.Type);
    }

    [Fact]
    public async Task UnresolvedReference_AnswersTheReadersError_AndLoadsNothing()
    {
        _reads.Setup(r => r.FindAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.Ambiguous(3));

        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(ErrorType.AmbiguousSessionId, result.Error!.Type);
        _sessions.Verify(s => s.GetForChangeAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task SessionDeletedBetweenReadAndLoad_Is404()
    {
        _sessions.Setup(s => s.GetForChangeAsync(_read.Id, It.IsAny<CancellationToken>())).ReturnsAsync((Session?)null);

        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
    }

    [Fact]
    public async Task AlreadyFrozen_AnswersTheSessionAsRead_WithoutLoadingItForChange()
    {
        _read.Freeze(_ownerId, FrozenBy.User, Now.UtcDateTime.AddMinutes(-30));

        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Member, Scopes.SessionsEvaluate);

        Assert.Equal(FrozenBy.User, result.Value.FrozenBy);
        Assert.Equal(Now.UtcDateTime.AddMinutes(-30), result.Value.FrozenAt);
        _unitOfWork.Verify(u => u.BeginWriteAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        _sessions.Verify(s => s.GetForChangeAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task FrozenBetweenReadAndLoad_KeepsTheFirstFreeze()
    {
        _locked.Freeze(_ownerId, FrozenBy.User, Now.UtcDateTime.AddMinutes(-1));
        _locked.ClearDomainEvents();

        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Member, Scopes.SessionsEvaluate);

        Assert.Equal(FrozenBy.User, result.Value.FrozenBy);
        Assert.Empty(_locked.DomainEvents);
    }

    private Session NewSession(SessionVisibility visibility = SessionVisibility.Workspace)
    {
        var session = Session.Create(
            new NewSession(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "m", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, visibility, null, null, null),
            _workspaceId,
            _ownerId,
            Now.UtcDateTime.AddHours(-1));
        session.ClearDomainEvents();
        return session;
    }

    private async Task<Result<SessionView>> Handle(Guid callerId, WorkspaceRole role, params string[] scopes)
    {
        _callers.Set(new Caller(callerId, new WorkspaceMembership(Guid.NewGuid(), _workspaceId, role), scopes.ToHashSet()));
        var services = new SessionCommandServices(_reads.Object, _sessions.Object, _unitOfWork.Object, _callers, new FakeTimeProvider(Now));
        Assert.True(SessionReference.TryParse(_read.Id.ToString(), out var reference));
        return await new FreezeSessionHandler(services).Handle(new FreezeSessionCommand("acme", "lab", reference), default);
    }
}
