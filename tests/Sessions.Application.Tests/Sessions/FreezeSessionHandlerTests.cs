using Microsoft.Extensions.Time.Testing;
using Moq;
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
    private readonly CallerContext _callers = new();
    private readonly Session _session;

    public FreezeSessionHandlerTests()
    {
        _session = Session.Create(
            new NewSession(Guid.NewGuid(), "m", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Workspace, null, null, null),
            _workspaceId,
            _ownerId,
            Now.UtcDateTime.AddHours(-1));
        _session.ClearDomainEvents();
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(Result<Guid>.Success(_session.Id));
        _reads.Setup(r => r.GetUserChipsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<Guid, UserChip>());
        _sessions.Setup(s => s.GetForUpdateAsync(_session.Id, It.IsAny<CancellationToken>())).ReturnsAsync(_session);
    }

    [Fact]
    public async Task Owner_FreezesAsUser_AtTheClocksTime()
    {
        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(FrozenBy.User, result.Value.FrozenBy);
        Assert.Equal(Now.UtcDateTime, result.Value.FrozenAt);
        Assert.Single(_session.DomainEvents);
    }

    [Fact]
    public async Task EvaluationService_FreezesAnySessionAsEvaluation()
    {
        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Member, Scopes.SessionsEvaluate);

        Assert.Equal(FrozenBy.Evaluation, result.Value.FrozenBy);
    }

    [Theory]
    [InlineData(Scopes.SessionsEvaluate, true)]
    [InlineData(Scopes.SessionsWrite, false)]
    public async Task OnlyTheEvaluationService_ResolvesAmongEverySessionOfTheWorkspace(string scope, bool seesAll)
    {
        await Handle(Guid.NewGuid(), WorkspaceRole.Member, scope);

        _reads.Verify(r => r.ResolveAsync(It.Is<SessionAudience>(a => a.SeesAllSessions == seesAll && a.WorkspaceId == _workspaceId), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>()), Times.Once);
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
    public async Task NonOwnerMemberOrViewer_Is403AndNothingChanges(WorkspaceRole role, string scope)
    {
        var result = await Handle(Guid.NewGuid(), role, scope);

        Assert.Equal(ErrorType.PermissionDenied, result.Error!.Type);
        Assert.Null(_session.FrozenAt);
        Assert.Empty(_session.DomainEvents);
    }

    [Fact]
    public async Task OwnerWhoIsViewer_Is403()
    {
        var result = await Handle(_ownerId, WorkspaceRole.Viewer, Scopes.SessionsWrite);

        Assert.Equal(ErrorType.PermissionDenied, result.Error!.Type);
    }

    [Fact]
    public async Task UnresolvedReference_AnswersTheResolversError()
    {
        _reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(SessionErrors.Ambiguous(3));

        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(ErrorType.AmbiguousSessionId, result.Error!.Type);
        _sessions.Verify(s => s.GetForUpdateAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task SessionDeletedBetweenResolveAndLoad_Is404()
    {
        _sessions.Setup(s => s.GetForUpdateAsync(_session.Id, It.IsAny<CancellationToken>())).ReturnsAsync((Session?)null);

        var result = await Handle(_ownerId, WorkspaceRole.Member, Scopes.SessionsWrite);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
    }

    [Fact]
    public async Task AlreadyFrozen_AnswersTheSessionUnchanged()
    {
        _session.Freeze(_ownerId, FrozenBy.User, Now.UtcDateTime.AddMinutes(-30));
        _session.ClearDomainEvents();

        var result = await Handle(Guid.NewGuid(), WorkspaceRole.Member, Scopes.SessionsEvaluate);

        Assert.Equal(FrozenBy.User, result.Value.FrozenBy);
        Assert.Equal(Now.UtcDateTime.AddMinutes(-30), result.Value.FrozenAt);
        Assert.Empty(_session.DomainEvents);
    }

    private async Task<Result<SessionView>> Handle(Guid callerId, WorkspaceRole role, params string[] scopes)
    {
        _callers.Set(new Caller(callerId, new WorkspaceMembership(Guid.NewGuid(), _workspaceId, role), scopes.ToHashSet()));
        var clock = new FakeTimeProvider(Now);
        var access = new SessionAccess(_reads.Object, _sessions.Object, _callers, clock);
        var handler = new FreezeSessionHandler(access, _callers, clock);
        return await handler.Handle(new FreezeSessionCommand("acme", "lab", _session.Id.ToString()), default);
    }
}
