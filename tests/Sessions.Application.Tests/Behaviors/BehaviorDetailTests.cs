using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Behaviors;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Telemetry;
using Sessions.Application.Common.Time;
using Sessions.Application.Groups;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Get;
using Sessions.Application.Tests.Validation;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Application.Tests.Behaviors;

/// <summary>What the pipeline behaviors tell the client, the trace and the meters, word for word.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class BehaviorDetailTests
{
    private static readonly ScopedCommand Command = new("acme", "lab", "x");

    [Fact]
    public async Task Authorization_SaysWhatIsMissing()
    {
        var unauthenticated = await Authorize(User(authenticated: false));
        var badEmail = await Authorize(User(email: "no-at-sign"));
        var noScope = await Authorize(User(scopes: [Scopes.SessionsRead]), new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Member));
        var noWorkspace = await Authorize(User(scopes: [Scopes.SessionsWrite]));

        Assert.Equal("A valid bearer token whose subject is a UUID (not the nil UUID) is required.", unauthenticated.Error!.Message);
        Assert.Equal((ErrorType.Unauthenticated, "The token's email claim is not usable: it must be an address with an '@', of at most 320 characters, without control characters."), (badEmail.Error!.Type, badEmail.Error.Message));
        Assert.Equal("The token lacks the scope this operation needs: sessions:write or sessions:evaluate.", noScope.Error!.Message);
        Assert.Equal((ErrorType.NotFound, "Workspace not found."), (noWorkspace.Error!.Type, noWorkspace.Error.Message));
    }

    [Fact]
    public async Task Authorization_ProvisionsTheUser_BeforeReadingTheMembership()
    {
        var user = User(email: "a@b", scopes: [Scopes.SessionsWrite]);
        var directory = new Mock<IWorkspaceDirectory>(MockBehavior.Strict);
        var order = new List<string>();
        directory.Setup(d => d.ProvisionUserAsync(user.Object, It.IsAny<CancellationToken>())).Callback(() => order.Add("provision")).Returns(Task.CompletedTask);
        directory.Setup(d => d.FindMembershipAsync("acme", "lab", user.Object.Id!.Value, It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("membership")).ReturnsAsync(new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Member));

        var result = await new AuthorizationBehavior<ScopedCommand, Result<string>>(user.Object, directory.Object, Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), new CallerContext()).Handle(Command, (_, _) => new(Result<string>.Success("ok")), default);

        Assert.Equal("ok", result.Value);
        Assert.Equal(["provision", "membership"], order);
    }

    [Fact]
    public async Task Authorization_APlatformAdmin_ManagesMembersOfAnyWorkspace_ButIsNoMemberElsewhere()
    {
        var admin = User(scopes: [Scopes.Admin, Scopes.SessionsWrite]);
        var workspace = new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Admin);
        var directory = new Mock<IWorkspaceDirectory>();
        directory.Setup(d => d.FindWorkspaceAsync("acme", "lab", It.IsAny<CancellationToken>())).ReturnsAsync(workspace);
        var callers = new CallerContext();

        var managed = await new AuthorizationBehavior<AdminCommand, Result<string>>(admin.Object, directory.Object, Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), callers).Handle(new AdminCommand("acme", "lab"), (_, _) => new(Result<string>.Success("ok")), default);
        var elsewhere = await new AuthorizationBehavior<ScopedCommand, Result<string>>(admin.Object, directory.Object, Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), new CallerContext()).Handle(Command, (_, _) => new(Result<string>.Success("ok")), default);

        Assert.Equal("ok", managed.Value);
        Assert.Same(workspace, callers.Current.Membership);
        Assert.Equal("Workspace not found.", elsewhere.Error!.Message);
    }

    [Fact]
    public async Task Authorization_InvalidSlugs_AreNotLookedUp()
    {
        var directory = new Mock<IWorkspaceDirectory>();

        var result = await new AuthorizationBehavior<ScopedCommand, Result<string>>(User(scopes: [Scopes.SessionsWrite]).Object, directory.Object, Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), new CallerContext())
            .Handle(new ScopedCommand("Not A Slug", "lab", "x"), (_, _) => new(Result<string>.Success("ok")), default);

        Assert.Equal(ErrorType.NotFound, result.Error!.Type);
        directory.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Validation_WithoutValidators_CallsNext_AndNumericOrForeignCodesAreInvalidValues()
    {
        var none = await new ValidationBehavior<ScopedCommand, Result<string>>([]).Handle(Command, (_, _) => new(Result<string>.Success("ok")), default);

        Assert.Equal("ok", none.Value);
        Assert.Equal(["Name: numeric (InvalidValue)", "Name: signed (InvalidValue)", "Name: another case (InvalidValue)", "Name: foreign (InvalidValue)", "Name: own (TooLong)"], await Validate.ErrorsAsync(Command, new CodesValidator()));
    }

    [Fact]
    public async Task Validation_APathOfItsOwn_IsKeptAsGiven()
    {
        Assert.Equal(["labels.Odd.Key: bad (PatternMismatch)"], await Validate.ErrorsAsync(Command, new OwnPathValidator()));
    }

    [Fact]
    public async Task Telemetry_SpanNamesTheSessionAndTheOutcome()
    {
        var id = Guid.NewGuid();
        Assert.True(SessionReference.TryParse(id.ToString(), out var full));
        Assert.True(SessionReference.TryParse(id.ToString()[..8], out var prefix));
        using var spans = new SpanRecorder();

        await Telemetry<GetSessionQuery, SessionView>().Handle(new GetSessionQuery("o", "w", full), (_, _) => new(Result<SessionView>.Failure(SessionErrors.NotFound)), default);
        await Telemetry<GetSessionQuery, SessionView>().Handle(new GetSessionQuery("o", "w", prefix), (_, _) => new(Result<SessionView>.Failure(Error.Conflict("c"))), default);
        await Assert.ThrowsAsync<TimeoutException>(async () => await Telemetry<GetSessionQuery, SessionView>().Handle(new GetSessionQuery("o", "w", full), (_, _) => throw new TimeoutException(), default));

        var recorded = spans.Of(nameof(GetSessionQuery));
        Assert.Equal(3, recorded.Count);
        Assert.Equal((id.ToString(), "NotFound"), ((string?)recorded[0].GetTagItem("sessions.session_id"), (string?)recorded[0].GetTagItem("sessions.outcome")));
        Assert.Equal((id.ToString()[..8], "Conflict"), ((string?)recorded[1].GetTagItem("sessions.session_prefix"), (string?)recorded[1].GetTagItem("sessions.outcome")));
        Assert.Equal(("Exception", ActivityStatusCode.Error, nameof(TimeoutException)), ((string?)recorded[2].GetTagItem("sessions.outcome"), recorded[2].Status, recorded[2].StatusDescription));
    }

    /// <summary>
    /// A duplicate key the database refused (a create that lost a race for its id) is the outcome it
    /// becomes, logged as information; an outage of the database, and a collision that outlasted
    /// the reruns, stay errors.
    /// </summary>
    [Fact]
    public async Task Logging_ADuplicateKeyARaceLost_IsItsOutcome_AndAnOutageOrALastingCollisionAFailure()
    {
        var logger = new ListLogger<TelemetryBehavior<ScopedCommand, Result<string>>>();
        var classifier = new Mock<IDatabaseErrorClassifier>();
        var duplicate = new InvalidOperationException("duplicate key");
        var outage = new TimeoutException();
        classifier.Setup(c => c.Classify(duplicate)).Returns(new Error(ErrorType.AlreadyExists, "exists"));
        classifier.Setup(c => c.Classify(outage)).Returns(new Error(ErrorType.DependencyTimedOut, "slow"));
        var unreachable = new IOException();
        classifier.Setup(c => c.Classify(unreachable)).Returns(new Error(ErrorType.DependencyUnavailable, "down"));
        var collision = new ArgumentException("collided");
        classifier.Setup(c => c.Classify(collision)).Returns(Error.Conflict("retry"));
        var behavior = new TelemetryBehavior<ScopedCommand, Result<string>>(logger, classifier.Object);
        using var meters = new MeterRecorder();
        using var spans = new SpanRecorder();

        Assert.Same(duplicate, await Assert.ThrowsAsync<InvalidOperationException>(async () => await behavior.Handle(Command, (_, _) => throw duplicate, default)));
        await Assert.ThrowsAsync<TimeoutException>(async () => await behavior.Handle(Command, (_, _) => throw outage, default));
        await Assert.ThrowsAsync<IOException>(async () => await behavior.Handle(Command, (_, _) => throw unreachable, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await behavior.Handle(Command, (_, _) => throw collision, default));

        Assert.Equal(4, logger.Entries.Count);
        var (level, message, exception) = logger.Entries[0];
        Assert.Equal((LogLevel.Information, null), (level, exception));
        Assert.StartsWith("Handled ScopedCommand: AlreadyExists in ", message, StringComparison.Ordinal);
        Assert.False(LoggedFailures.WasLogged(duplicate));
        Assert.Equal((LogLevel.Error, outage), (logger.Entries[1].Level, logger.Entries[1].Exception));
        Assert.Equal((LogLevel.Error, unreachable), (logger.Entries[2].Level, logger.Entries[2].Exception));
        Assert.Equal((LogLevel.Error, collision), (logger.Entries[3].Level, logger.Entries[3].Exception));
        Assert.Equal(
            ["AlreadyExists", "Exception", "Exception", "Exception"],
            meters.Of("sessions.commands").Where(m => (string?)m.Tags["command"] == nameof(ScopedCommand)).Select(m => (string?)m.Tags["outcome"]));
        Assert.Equal(["AlreadyExists", "Exception", "Exception", "Exception"], spans.Of(nameof(ScopedCommand)).Select(span => (string?)span.GetTagItem("sessions.outcome")));
    }

    [Fact]
    public async Task Telemetry_CountsEachMessageByNameAndOutcome()
    {
        using var meters = new MeterRecorder();

        await Telemetry<ScopedCommand, string>().Handle(Command, (_, _) => new(Result<string>.Success("ok")), default);
        await Telemetry<ScopedCommand, string>().Handle(Command, (_, _) => new(Result<string>.Failure(Error.NotFound("n"))), default);
        await Assert.ThrowsAsync<TimeoutException>(async () => await Telemetry<ScopedCommand, string>().Handle(Command, (_, _) => throw new TimeoutException(), default));
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await Telemetry<ScopedCommand, string>().Handle(Command, (_, token) => throw new OperationCanceledException(token), new CancellationToken(canceled: true)));

        Assert.Equal(
            ["ScopedCommand/Success", "ScopedCommand/NotFound", "ScopedCommand/Exception", "ScopedCommand/Canceled"],
            meters.Of("sessions.commands").Where(m => (string?)m.Tags["command"] == nameof(ScopedCommand)).Select(m => $"{m.Tags["command"]}/{m.Tags["outcome"]}"));
    }

    [Fact]
    public void CommittedEvents_CountFreezesByWhoAndAppendedMessages()
    {
        using var meters = new MeterRecorder();
        var session = Guid.NewGuid();

        SessionsTelemetry.Committed([
            new SessionFrozen(session, Guid.NewGuid(), Guid.NewGuid(), FrozenBy.Evaluation, DateTime.UtcNow),
            new TranscriptAppended(session, Guid.NewGuid(), 4, 6, DateTime.UtcNow),
            new SessionPinned(session, Guid.NewGuid(), DateTime.UtcNow),
        ]);

        Assert.Equal(["evaluation"], meters.Of("sessions.frozen").Select(m => (string?)m.Tags["frozen_by"]));
        Assert.Equal([3L], meters.Of("sessions.transcript.messages_appended").Select(m => m.Value));
    }

    [Fact]
    public void TheClock_KeepsMicroseconds_AsTheDatabasesDo()
    {
        var at = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

        var now = new FakeTimeProvider(at).UtcNow();

        Assert.Equal(at.UtcDateTime.AddTicks(-7), now);
        Assert.Equal(DateTimeKind.Utc, now.Kind);
    }

    [Fact]
    public void TheCaller_IsKnownOnlyOnceEstablished()
    {
        var callers = new CallerContext();

        var thrown = Assert.Throws<InvalidOperationException>(() => callers.Current);

        Assert.Equal("The caller is established by the authorization behavior before any handler runs.", thrown.Message);
    }

    private static TelemetryBehavior<TMessage, Result<T>> Telemetry<TMessage, T>()
        where TMessage : IMessage => new(new ListLogger<TelemetryBehavior<TMessage, Result<T>>>(), Mock.Of<IDatabaseErrorClassifier>());

    private static Task<Result<string>> Authorize(Mock<ICurrentUser> user, WorkspaceMembership? membership = null)
    {
        var directory = new Mock<IWorkspaceDirectory>();
        directory.Setup(d => d.FindMembershipAsync("acme", "lab", It.IsAny<Guid>(), It.IsAny<CancellationToken>())).ReturnsAsync(membership);
        return new AuthorizationBehavior<ScopedCommand, Result<string>>(user.Object, directory.Object, Mock.Of<ISessionReadStore>(), Mock.Of<IGroupReadStore>(), new CallerContext())
            .Handle(Command, (_, _) => throw new InvalidOperationException("next must not be called"), default).AsTask();
    }

    private static Mock<ICurrentUser> User(bool authenticated = true, string? email = null, string[]? scopes = null)
    {
        var user = new Mock<ICurrentUser>();
        var set = (scopes ?? []).ToHashSet();
        user.SetupGet(u => u.IsAuthenticated).Returns(authenticated);
        user.SetupGet(u => u.Id).Returns(authenticated ? Guid.NewGuid() : null);
        user.SetupGet(u => u.Email).Returns(email);
        user.SetupGet(u => u.Scopes).Returns(set);
        user.Setup(u => u.HasScope(It.IsAny<string>())).Returns<string>(set.Contains);
        return user;
    }

    private sealed class CodesValidator : AbstractValidator<ScopedCommand>
    {
        public CodesValidator()
        {
            RuleFor(c => c.Name).Must(_ => false).WithMessage("numeric").WithErrorCode("5");
            RuleFor(c => c.Name).Must(_ => false).WithMessage("signed").WithErrorCode("-1");
            RuleFor(c => c.Name).Must(_ => false).WithMessage("another case").WithErrorCode("toolong");
            RuleFor(c => c.Name).Must(_ => false).WithMessage("foreign").WithErrorCode("NotEmptyValidator");
            RuleFor(c => c.Name).Must(_ => false).WithMessage("own").WithErrorCode(nameof(FieldProblem.TooLong));
        }
    }

    private sealed class OwnPathValidator : AbstractValidator<ScopedCommand>
    {
        public OwnPathValidator() =>
            RuleFor(c => c).Custom((_, context) => context.AddFailure(new ValidationFailure("Labels.Odd.Key", "bad")
            {
                ErrorCode = nameof(FieldProblem.PatternMismatch),
                CustomState = new object[] { "labels", "Odd.Key" },
            }));
    }
}

public sealed record AdminCommand(string Org, string Workspace) : ICommand<Result<string>>, IWorkspaceAdminRequest;

/// <summary>Tests that listen to the process-wide activity source and meter run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

/// <summary>Records the spans of the service's activity source while it lives.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _spans = [];

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SessionsTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                lock (_spans)
                {
                    _spans.Add(span);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public List<Activity> Of(string name)
    {
        lock (_spans)
        {
            return [.. _spans.Where(s => s.OperationName == name)];
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>Records the measurements of the service's meter while it lives.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MeterRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SessionsTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copied = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copied[tag.Key] = tag.Value;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, copied));
            }
        });
        _listener.Start();
    }

    public List<(long Value, Dictionary<string, object?> Tags)> Of(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags))];
        }
    }

    public void Dispose() => _listener.Dispose();
}
