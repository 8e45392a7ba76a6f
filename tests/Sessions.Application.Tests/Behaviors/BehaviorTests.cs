using FluentValidation;
using Mediator;
using Microsoft.Extensions.Logging;
using Moq;
using Sessions.Application.Common.Behaviors;
using Sessions.Application.Common.Telemetry;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Tests.Behaviors;

public sealed class BehaviorTests
{
    private static readonly MessageHandlerDelegate<ScopedCommand, Result<string>> Succeed = (_, _) => new(Result<string>.Success("done"));
    private readonly ScopedCommand _command = new("acme", "lab", "x");

    [Fact]
    public async Task ErrorTranslation_ClassifiedException_BecomesFailure()
    {
        var classifier = new Mock<IDatabaseErrorClassifier>();
        var unavailable = new Error(ErrorType.DependencyUnavailable, "down");
        classifier.Setup(c => c.Classify(It.IsAny<TimeoutException>())).Returns(unavailable);
        var behavior = new ErrorTranslationBehavior<ScopedCommand, Result<string>>(classifier.Object);

        var result = await behavior.Handle(_command, (_, _) => throw new TimeoutException(), default);

        Assert.Same(unavailable, result.Error);
    }

    [Fact]
    public async Task ErrorTranslation_UnknownException_Propagates()
    {
        var behavior = new ErrorTranslationBehavior<ScopedCommand, Result<string>>(Mock.Of<IDatabaseErrorClassifier>());

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await behavior.Handle(_command, (_, _) => throw new InvalidOperationException(), default));
    }

    [Fact]
    public async Task Logging_LogsOneLineWithOutcome_AndPassesTheResultThrough()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, Mock.Of<IDatabaseErrorClassifier>());

        var result = await behavior.Handle(_command, (_, _) => new(Result<string>.Failure(Error.NotFound("gone"))), default);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
        var (level, message, _) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, level);
        Assert.Contains("ScopedCommand", message, StringComparison.Ordinal);
        Assert.Contains("NotFound", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_Exception_IsLoggedWithTheExceptionAndRethrown_MarkedAsLogged()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, Mock.Of<IDatabaseErrorClassifier>());

        var thrown = await Assert.ThrowsAsync<TimeoutException>(async () => await behavior.Handle(_command, (_, _) => throw new TimeoutException(), default));

        var (level, _, exception) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Same(thrown, exception);
        Assert.True(LoggedFailures.WasLogged(thrown));
        Assert.False(LoggedFailures.WasLogged(new TimeoutException()));
    }

    [Fact]
    public async Task Logging_TheCallerGoingAway_IsInformationWithoutTheException_AndRethrown()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, Mock.Of<IDatabaseErrorClassifier>());
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(async () => await behavior.Handle(_command, (_, token) => throw new OperationCanceledException(token), aborted.Token));

        var (level, message, exception) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, level);
        Assert.Contains("Canceled ScopedCommand", message, StringComparison.Ordinal);
        Assert.Null(exception);
    }

    /// <summary>A statement the database stopped because the caller left (classified as timed out) is the caller going away too.</summary>
    [Fact]
    public async Task Logging_AStatementStoppedForTheCallerGoingAway_IsInformation_AndRethrown()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var classifier = new Mock<IDatabaseErrorClassifier>();
        classifier.Setup(c => c.Classify(It.IsAny<TimeoutException>())).Returns(new Error(ErrorType.DependencyTimedOut, "stopped"));
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, classifier.Object);
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();

        await Assert.ThrowsAsync<TimeoutException>(async () => await behavior.Handle(_command, (_, _) => throw new TimeoutException(), aborted.Token));
        await Assert.ThrowsAsync<TimeoutException>(async () => await behavior.Handle(_command, (_, _) => throw new TimeoutException(), default));

        Assert.Equal(2, logger.Entries.Count);
        Assert.Equal((LogLevel.Information, true, null), (logger.Entries[0].Level, logger.Entries[0].Message.Contains("Canceled ScopedCommand", StringComparison.Ordinal), logger.Entries[0].Exception));
        Assert.Equal(LogLevel.Error, logger.Entries[1].Level);
    }

    /// <summary>Any other failure while the caller goes away stays a failure.</summary>
    [Fact]
    public async Task Logging_AnotherFailureWhileTheCallerGoesAway_IsAFailure()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var classifier = new Mock<IDatabaseErrorClassifier>();
        classifier.Setup(c => c.Classify(It.IsAny<TimeoutException>())).Returns(new Error(ErrorType.DependencyUnavailable, "down"));
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, classifier.Object);
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();

        await Assert.ThrowsAsync<TimeoutException>(async () => await behavior.Handle(_command, (_, _) => throw new TimeoutException(), aborted.Token));

        Assert.Equal(LogLevel.Error, Assert.Single(logger.Entries).Level);
    }

    [Fact]
    public async Task Logging_ACancellationTheCallerDidNotAskFor_IsAFailure()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, Mock.Of<IDatabaseErrorClassifier>());

        await Assert.ThrowsAsync<TaskCanceledException>(async () => await behavior.Handle(_command, (_, _) => throw new TaskCanceledException(), default));

        var (level, _, exception) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.IsType<TaskCanceledException>(exception);
    }

    [Fact]
    public async Task Authorization_Unauthenticated_Is401WithoutCallingNext()
    {
        var (behavior, _, _) = Authorization(authenticated: false);

        var result = await behavior.Handle(_command, NotCalled, default);

        Assert.Equal(ErrorType.Unauthenticated, result.Error!.Type);
    }

    [Fact]
    public async Task Authorization_MissingEveryRequiredScope_IsAMembers403()
    {
        var (behavior, _, _) = Authorization(scopes: [Scopes.SessionsRead], membership: new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Member));

        var result = await behavior.Handle(_command, NotCalled, default);

        Assert.Equal(ErrorType.PermissionDenied, result.Error!.Type);
    }

    /// <summary>The API never reveals a workspace to a non-member, whatever the token's scopes (CONTRACT §1).</summary>
    [Fact]
    public async Task Authorization_MissingScope_OfANonMember_Is404()
    {
        var (behavior, _, _) = Authorization(scopes: [Scopes.SessionsRead], membership: null);

        var result = await behavior.Handle(_command, NotCalled, default);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
    }

    /// <summary>403 is only for a session the caller can see (CONTRACT §2): one they cannot answers as its absence does, and only a refused message looks.</summary>
    [Fact]
    public async Task Authorization_MissingScope_ForASessionTheCallerCannotSee_AnswersAsItsAbsence()
    {
        var membership = new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Member);
        var unseen = Guid.NewGuid();
        var seen = Guid.NewGuid();
        var reads = new Mock<ISessionReadStore>();
        reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), Reference(unseen), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Result<SessionLifeKey>.Failure(Error.NotFound("Session not found.")));
        reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), Reference(seen), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Result<SessionLifeKey>.Success(new SessionLifeKey(seen, DateTime.UnixEpoch)));

        async Task<Result<string>> HandleAsync(string[] scopes, Guid session)
        {
            var behavior = new AuthorizationBehavior<SessionScopedCommand, Result<string>>(
                CurrentUser(true, scopes).Object, Directory(membership).Object, reads.Object, Mock.Of<IGroupReadStore>(), new CallerContext());
            return await behavior.Handle(new SessionScopedCommand("acme", "lab", Reference(session)), (_, _) => new(Result<string>.Success("done")), default);
        }

        var refused = await HandleAsync([Scopes.SessionsRead], unseen);
        Assert.Equal((ErrorType.NotFound, "Session not found."), (refused.Error!.Type, refused.Error.Message));
        Assert.Equal(ErrorType.PermissionDenied, (await HandleAsync([Scopes.SessionsRead], seen)).Error!.Type);
        reads.Invocations.Clear();
        Assert.Equal("done", (await HandleAsync([Scopes.SessionsWrite], unseen)).Value);
        reads.VerifyNoOtherCalls();
    }

    /// <summary>The same for a group (CONTRACT §5.5: an invisible group answers 404, like a session).</summary>
    [Fact]
    public async Task Authorization_MissingScope_ForAGroupTheCallerCannotSee_AnswersAsItsAbsence()
    {
        var membership = new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Member);
        var unseen = Guid.NewGuid();
        var seen = SessionGroup.Create(new NewGroup(GroupKind.Workflow, Guid.NewGuid(), "t", GroupStatus.Running, null, null, null, null, null, null, null, null), membership.WorkspaceId, Guid.NewGuid(), DateTime.UtcNow);
        var groups = new Mock<IGroupReadStore>();
        groups.Setup(r => r.FindAsync(It.IsAny<GroupAudience>(), seen.Id, It.IsAny<CancellationToken>())).ReturnsAsync(new GroupRead(seen, null));

        async Task<Result<string>> HandleAsync(string[] scopes, Guid group)
        {
            var behavior = new AuthorizationBehavior<GroupScopedCommand, Result<string>>(
                CurrentUser(true, scopes).Object, Directory(membership).Object, Mock.Of<ISessionReadStore>(), groups.Object, new CallerContext());
            return await behavior.Handle(new GroupScopedCommand("acme", "lab", group), (_, _) => new(Result<string>.Success("done")), default);
        }

        var refused = await HandleAsync([Scopes.SessionsRead], unseen);
        Assert.Equal((ErrorType.NotFound, "Session group not found."), (refused.Error!.Type, refused.Error.Message));
        Assert.Equal(ErrorType.PermissionDenied, (await HandleAsync([Scopes.SessionsRead], seen.Id)).Error!.Type);
        groups.Invocations.Clear();
        Assert.Equal("done", (await HandleAsync([Scopes.SessionsWrite], unseen)).Value);
        groups.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Authorization_AnyOneOfTheScopes_IsEnough_AndSetsTheCaller()
    {
        var (behavior, _, callers) = Authorization(scopes: [Scopes.SessionsEvaluate], membership: new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Member));

        var result = await behavior.Handle(_command, Succeed, default);

        Assert.Equal("done", result.Value);
        Assert.True(callers.Current.IsEvaluationService);
    }

    [Fact]
    public async Task Authorization_NotAMember_Is404()
    {
        var (behavior, _, _) = Authorization(scopes: [Scopes.SessionsWrite], membership: null);

        var result = await behavior.Handle(_command, NotCalled, default);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
    }

    [Fact]
    public async Task Authorization_InvalidSlug_Is404WithoutLookingItUp()
    {
        var (behavior, directory, _) = Authorization(scopes: [Scopes.SessionsWrite]);

        var result = await behavior.Handle(_command with { Org = "Not A Slug" }, NotCalled, default);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
        directory.Verify(d => d.FindMembershipAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Authorization_MessageWithoutScopeAttribute_NeedsOnlyAuthentication()
    {
        var user = CurrentUser(true, []);
        var behavior = new AuthorizationBehavior<OpenQuery, Result<string>>(user.Object, Mock.Of<IWorkspaceDirectory>(), Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), new CallerContext());

        var result = await behavior.Handle(new OpenQuery("q"), (_, _) => new(Result<string>.Success("ok")), default);

        Assert.Equal("ok", result.Value);
    }

    [Fact]
    public async Task Validation_CollectsEveryFieldError_IntoOne422()
    {
        var behavior = new ValidationBehavior<ScopedCommand, Result<string>>([new NameValidator(), new OrgValidator()]);

        var result = await behavior.Handle(_command with { Name = "", Org = "" }, NotCalled, default);

        Assert.Equal(ErrorType.Validation, result.Error!.Type);
        Assert.Equal(2, result.Error.Fields!.Count);
        Assert.Contains(result.Error.Fields, f => f.Problem == FieldProblem.StringTooShort);
        Assert.Contains(result.Error.Fields, f => f.Problem == FieldProblem.InvalidValue);
    }

    [Fact]
    public async Task Validation_ValidMessage_CallsNext()
    {
        var behavior = new ValidationBehavior<ScopedCommand, Result<string>>([new NameValidator()]);

        var result = await behavior.Handle(_command, Succeed, default);

        Assert.Equal("done", result.Value);
    }

    [Fact]
    public async Task UnitOfWork_CommitsOnlySuccessfulResults()
    {
        var unitOfWork = new Mock<IUnitOfWork>();
        Func<Result<string>, bool>? commit = null;
        bool? writeAtOnce = null;
        unitOfWork.Setup(u => u.ExecuteAsync(It.IsAny<Func<CancellationToken, ValueTask<Result<string>>>>(), It.IsAny<Func<Result<string>, bool>>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Returns<Func<CancellationToken, ValueTask<Result<string>>>, Func<Result<string>, bool>, bool, CancellationToken>(async (work, predicate, atOnce, ct) =>
            {
                commit = predicate;
                writeAtOnce = atOnce;
                return await work(ct);
            });
        var behavior = new UnitOfWorkBehavior<ScopedCommand, Result<string>>(unitOfWork.Object);

        var result = await behavior.Handle(_command, Succeed, default);

        Assert.Equal("done", result.Value);
        Assert.True(writeAtOnce, "a command that is not about one session writes from its start");
        Assert.True(commit!(Result<string>.Success("x")));
        Assert.False(commit(Result<string>.Failure(Error.NotFound("no"))));
    }

    private static readonly MessageHandlerDelegate<ScopedCommand, Result<string>> NotCalled =
        (_, _) => throw new InvalidOperationException("next must not be called");

    private static (AuthorizationBehavior<ScopedCommand, Result<string>> Behavior, Mock<IWorkspaceDirectory> Directory, CallerContext Callers) Authorization(
        bool authenticated = true, string[]? scopes = null, WorkspaceMembership? membership = null)
    {
        var user = CurrentUser(authenticated, scopes ?? []);
        var directory = Directory(membership);
        var callers = new CallerContext();
        return (new AuthorizationBehavior<ScopedCommand, Result<string>>(user.Object, directory.Object, Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), callers), directory, callers);
    }

    private static SessionReference Reference(Guid id) =>
        SessionReference.TryParse(id.ToString(), out var reference) ? reference : throw new ArgumentException("not a session id", nameof(id));

    private static Mock<IWorkspaceDirectory> Directory(WorkspaceMembership? membership)
    {
        var directory = new Mock<IWorkspaceDirectory>();
        directory.Setup(d => d.FindMembershipAsync("acme", "lab", It.IsAny<Guid>(), It.IsAny<CancellationToken>())).ReturnsAsync(membership);
        return directory;
    }

    private static Mock<ICurrentUser> CurrentUser(bool authenticated, string[] scopes)
    {
        var user = new Mock<ICurrentUser>();
        user.SetupGet(u => u.IsAuthenticated).Returns(authenticated);
        user.SetupGet(u => u.Id).Returns(authenticated ? Guid.NewGuid() : null);
        var set = scopes.ToHashSet();
        user.SetupGet(u => u.Scopes).Returns(set);
        user.Setup(u => u.HasScope(It.IsAny<string>())).Returns<string>(set.Contains);
        return user;
    }

    private sealed class NameValidator : AbstractValidator<ScopedCommand>
    {
        public NameValidator() => RuleFor(c => c.Name).Must(n => n.Length > 0).WithMessage("must not be empty").WithErrorCode(nameof(FieldProblem.StringTooShort));
    }

    private sealed class OrgValidator : AbstractValidator<ScopedCommand>
    {
        public OrgValidator() => RuleFor(c => c.Org).NotEmpty();
    }
}
