using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Holds the next commit until the test releases it, telling the test the request's own
/// cancellation (its <see cref="HttpContext.RequestAborted"/>) when the commit is reached.
/// </summary>
public sealed class CommitPause : DbTransactionInterceptor
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<CancellationToken>? _reached;
    private TaskCompletionSource? _released;

    public IHttpContextAccessor? Requests { get; set; }

    public (Task<CancellationToken> Reached, Action Release) Arm()
    {
        lock (_gate)
        {
            _reached = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            var released = _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (_reached.Task, () => released.TrySetResult());
        }
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<CancellationToken>? reached;
        TaskCompletionSource? released;
        lock (_gate)
        {
            (reached, released) = (_reached, _released);
            (_reached, _released) = (null, null);
        }

        if (reached is not null)
        {
            reached.TrySetResult(Requests?.HttpContext?.RequestAborted ?? CancellationToken.None);
            await released!.Task;
        }

        return result;
    }
}

/// <summary>Fails the next write of a domain event, once armed, as a defect in the write would.</summary>
public sealed class OutboxFailure : DbCommandInterceptor
{
    private int _armed;

    public void Arm() => Volatile.Write(ref _armed, 1);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        FailIfArmed(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        FailIfArmed(command);
        return ValueTask.FromResult(result);
    }

    private void FailIfArmed(DbCommand command)
    {
        if (command.CommandText.Contains("INSERT INTO", StringComparison.Ordinal) && command.CommandText.Contains("outbox_messages", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            throw new InvalidOperationException("simulated defect while writing an event");
        }
    }
}

/// <summary>Fails a read of items, once armed, after letting a number of such reads run.</summary>
public sealed class ItemReadFailure : DbCommandInterceptor
{
    private int _passes = -1;

    public void Arm(int passes) => Volatile.Write(ref _passes, passes);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("session_items", StringComparison.Ordinal) && Volatile.Read(ref _passes) >= 0 && Interlocked.Decrement(ref _passes) == -1)
        {
            throw new InvalidOperationException("simulated failure while reading items");
        }

        return ValueTask.FromResult(result);
    }
}

/// <summary>A host that keeps its log lines, whose next commit a test can hold and whose next event write or items read it can fail.</summary>
public sealed class ErrorLogApiFactory : LoggedApiFactory
{
    public ErrorLogApiFactory()
    {
    }

    private ErrorLogApiFactory(TestDatabase database)
        : base(database, ownsDatabase: true)
    {
    }

    /// <summary>A host on <paramref name="database"/>, which it drops when it ends.</summary>
    public static ErrorLogApiFactory Owning(TestDatabase database) => new(database);

    public CommitPause Commits { get; } = new();

    public OutboxFailure Outbox { get; } = new();

    public ItemReadFailure ItemReads { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Migrations"] = "Information",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database"] = "Debug",
        ["Logging:LogLevel:Sessions.Application"] = "Information",
        ["Logging:LogLevel:Sessions.Api.Operations.RequestLogging"] = "Information",
        ["Logging:LogLevel:Sessions.Api.Operations.CorsSetup"] = "Information",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Commits).AddSingleton<IInterceptor>(Outbox).AddSingleton<IInterceptor>(ItemReads));
    }
}

/// <summary>
/// An error in the log is something an operator should look at: starting on a new database and a
/// caller who hangs up are not. Failures themselves are logged once, by the service (its request
/// telemetry and its last-line handler).
/// </summary>
public sealed class ErrorLogTests(ErrorLogApiFactory factory) : ApiTest<ErrorLogApiFactory>(factory), IClassFixture<ErrorLogApiFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The host of this class started on a database that did not exist yet (on PostgreSQL; SQLite
    /// makes its file): it is created without a failure logged as an error.
    /// </summary>
    [Fact]
    public void StartingWhereTheDatabaseDoesNotExistYet_LogsNoError() => AssertStartedWithoutError(Factory);

    /// <summary>
    /// On an existing empty database (as a deployment's database server hands one over): on
    /// PostgreSQL the migrations' history table is created before the migrations would read it.
    /// </summary>
    [Fact]
    public async Task StartingOnAnEmptyDatabase_LogsNoError()
    {
        var database = TestDatabase.Create();
        await database.CreateEmptyAsync();

        var host = ErrorLogApiFactory.Owning(database);
        try
        {
            await host.InitializeAsync();
            AssertStartedWithoutError(host);
        }
        finally
        {
            // The factory's own disposal, which drops the database too.
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// On a PostgreSQL database whose locale lowers ASCII letters only, the start warns that search
    /// folds no other letter, and says how to create the database; text typed as stored is still
    /// found (the database lowers the search text as it lowers what it searches). A UTF-8 locale,
    /// as the other hosts of the suite have, gets no warning.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task StartingOnADatabaseWhoseLocaleLowersAsciiOnly_WarnsThatSearchFoldsAsciiOnly()
    {
        var database = TestDatabase.Create();
        await database.CreateEmptyAsync("TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");

        var host = ErrorLogApiFactory.Owning(database);
        try
        {
            await host.InitializeAsync();
            AssertStartedWithoutError(host, expectLocaleWarning: true);
            var warning = Assert.Single(host.Logs.Lines, line => line.Category == typeof(DatabaseInitializer).FullName);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("ASCII letters only", warning.Message, StringComparison.Ordinal);
            Assert.Contains("UTF-8 locale", warning.Message, StringComparison.Ordinal);

            var client = host.CreateClient();
            var workspace = await TestWorkspace.CreateAsync(host);
            var owner = await workspace.AddMemberAsync();
            await client.CreateSessionAsync(workspace, owner, extra: new { title = "École" });
            async Task<int> FoundAsync(string search) =>
                (await (await client.GetAsync($"{workspace.SessionsPath}?search={Uri.EscapeDataString(search)}", owner.Token())).ExpectAsync(HttpStatusCode.OK))["sessions"]!.AsArray().Count;
            Assert.Equal(1, await FoundAsync("École"));
            Assert.Equal(1, await FoundAsync("ÉCOLE"));
            Assert.Equal(0, await FoundAsync("école"));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// A start with no browser origin allowed says so once (a frontend's developer otherwise sees
    /// only the browser's refusal); a start with one (<see cref="OperationsApiFactory"/>) does not.
    /// </summary>
    [Fact]
    public async Task AStartWithNoBrowserOrigin_SaysSoOnce()
    {
        const string Category = "Sessions.Api.Operations.CorsSetup";
        await using var withOrigin = new OperationsApiFactory();
        await withOrigin.InitializeAsync();

        var line = Assert.Single(Factory.Logs.Lines, line => line.Category == Category);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("No browser origin may call the service (Cors:AllowedOrigins is empty)", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(withOrigin.Logs.Lines, other => other.Category == Category);
    }

    /// <summary>The request line of a freeze whose caller left: the only freeze of this class's tests that is cut.</summary>
    private static bool IsTheFreezesLine(CapturedLog line) =>
        line.Category == "Sessions.Api.Operations.RequestLogging" && line.Message.StartsWith("HTTP POST ", StringComparison.Ordinal) && line.Message.Contains("/freeze was cut", StringComparison.Ordinal);

    private static void AssertStartedWithoutError(ErrorLogApiFactory host, bool expectLocaleWarning = false)
    {
        var lines = host.Logs.Lines.ToList();
        Assert.Contains(lines, line => line.Category == "Microsoft.EntityFrameworkCore.Migrations" && line.Message.Contains("Applying migration", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Level >= LogLevel.Error);
        if (!expectLocaleWarning)
        {
            Assert.DoesNotContain(lines, line => line.Category == typeof(DatabaseInitializer).FullName);
        }
    }

    /// <summary>
    /// A freeze whose commit has begun when its caller hangs up still commits (a 2xx never reached
    /// the caller, who cannot tell either outcome from the other; the database decides, not the
    /// race of a cancel), and nothing is logged as an error.
    /// </summary>
    [Fact]
    public async Task ACallerWhoLeavesDuringTheCommit_LeavesItCommitted_AndNoErrorLogged()
    {
        Factory.Commits.Requests = Factory.Services.GetRequiredService<IHttpContextAccessor>();
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var (reached, release) = Factory.Commits.Arm();
        using var leave = new CancellationTokenSource();

        using var request = new HttpRequestMessage(HttpMethod.Post, workspace.SessionPath(session) + "/freeze");
        request.Headers.Authorization = new("Bearer", owner.Token());
        var inFlight = Client.SendAsync(request, leave.Token);
        var requestAborted = await reached.WaitAsync(Patience);
        await leave.CancelAsync();
        await Task.Delay(Timeout.Infinite, requestAborted).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Patience);
        release();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inFlight.WaitAsync(Patience));

        var deadline = DateTime.UtcNow + Patience;
        string? frozenAt = null;
        while (frozenAt is null && DateTime.UtcNow < deadline)
        {
            var read = await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
            frozenAt = read["frozen_at"]?.GetValue<string>();
            await Task.Delay(frozenAt is null ? 50 : 0);
        }

        Assert.NotNull(frozenAt);

        // The abandoned request has ended once the request telemetry has logged its outcome.
        while (!Factory.Logs.Lines.Any(line => line.Message.StartsWith("Handled FreezeSessionCommand", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains(Factory.Logs.Lines, line => line.Message.StartsWith("Handled FreezeSessionCommand: Success", StringComparison.Ordinal));

        // The request itself has ended once its own line is written: nothing it logged is missed.
        while (!Factory.Logs.Lines.Any(IsTheFreezesLine) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.DoesNotContain(Factory.Logs.Lines, line => line.Level >= LogLevel.Error);
        var requestLine = Assert.Single(Factory.Logs.Lines, IsTheFreezesLine);
        Assert.StartsWith("HTTP POST api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}/freeze was cut: its connection was aborted after ", requestLine.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, requestLine.Level);
    }
}

/// <summary>A defect in a write: the failure is one error line, and the change is not kept.</summary>
public sealed class WriteDefectTests(ErrorLogApiFactory factory) : ApiTest<ErrorLogApiFactory>(factory), IClassFixture<ErrorLogApiFactory>
{
    /// <summary>
    /// A defect while the freeze is written (its event fails to store): 500 with the correlation id
    /// and no detail of the defect, logged by the service once as an error with it, and nothing of the freeze kept,
    /// so the same request later freezes the session once.
    /// </summary>
    [Fact]
    public async Task ADefectWhileWriting_Is500WithTheCorrelationId_AndChangesNothing()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        Factory.Outbox.Arm();

        var failed = await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token());
        var correlation = failed.Headers.GetValues("X-Correlation-Id").Single();
        var envelope = await failed.ExpectEnvelopeAsync(HttpStatusCode.InternalServerError, "internal_error");
        var afterwards = await Client.GetAsync(workspace.SessionPath(session), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        var eventsAfterwards = await EventCountAsync(session, "SessionFrozen");
        var retried = await Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains(correlation, envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("simulated", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // The service's own line, and no other (EF Core's error events are Debug, ADR 0051); on
        // PostgreSQL the write is one batch of EF Core's, which wraps the defect.
        var error = Assert.Single(Factory.Logs.Lines, line => line.Level >= LogLevel.Error && Equals(line.Scope.GetValueOrDefault("CorrelationId"), correlation));
        Assert.StartsWith("Sessions.", error.Category, StringComparison.Ordinal);
        Assert.Equal("simulated defect while writing an event", (error.Exception?.InnerException ?? error.Exception)?.Message);
        Assert.Null(afterwards["frozen_at"]);
        Assert.Equal(0, eventsAfterwards);
        Assert.NotNull(retried["frozen_at"]);
        Assert.Equal(1, await EventCountAsync(session, "SessionFrozen"));
    }

    /// <summary>
    /// A listing written while read whose second page fails to read: its answer had begun (200 and
    /// the first page sent), so the connection is closed (the client cannot take the part for the
    /// whole), and the request's line is its one error entry, with the failure, not "answered 200".
    /// </summary>
    [Fact]
    public async Task AListingThatFailsAfterItsAnswerBegan_ClosesTheConnection_AndLogsOneError()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        for (var i = 0; i < 15; i++)
        {
            await (await Client.PostAsync(workspace.SessionPath(session) + "/items", owner.Token(), new { item_type = "file", data = new { text = new string('x', 8_000) } })).ExpectAsync(HttpStatusCode.Created);
        }

        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "http.server.request.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    failures.Enqueue($"metric {tag.Value}");
                }
            }
        });
        meters.Start();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.Status == ActivityStatusCode.Error)
                {
                    failures.Enqueue($"span {span.StatusDescription}");
                }
            },
        };
        ActivitySource.AddActivityListener(spans);
        Factory.ItemReads.Arm(passes: 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, workspace.SessionPath(session) + "/items");
        request.Headers.Authorization = new("Bearer", owner.Token());
        using var answer = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var correlation = answer.Headers.GetValues("X-Correlation-Id").Single();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => answer.Content.ReadAsStringAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((!Factory.Logs.Lines.Any(line => line.Message.Contains(correlation, StringComparison.Ordinal)) || failures.Count < 2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var line = Assert.Single(Factory.Logs.Lines, line => line.Message.Contains(correlation, StringComparison.Ordinal));
        Assert.True(line.Level == LogLevel.Error, line.Message);
        Assert.Contains("/items failed after its answer (200) began", line.Message, StringComparison.Ordinal);
        Assert.Equal("simulated failure while reading items", line.Exception?.Message);
        // As for an exception that reaches the server: the duration metric and the span carry the error's type.
        Assert.Contains("metric System.InvalidOperationException", failures);
        Assert.Contains("span System.InvalidOperationException", failures);
        Assert.DoesNotContain(Factory.Logs.Lines, other => other.Level >= LogLevel.Error && Equals(other.Scope.GetValueOrDefault("CorrelationId"), correlation));
    }

    /// <summary>
    /// Creates of one id racing each other: one is created and the others answer 409, each logged
    /// by the service as the outcome it answered, and nothing logged as an error (a duplicate key
    /// lost to a race is no failure of the service; EF Core's own error events are Debug, ADR 0051). On SQLite the
    /// writer gate orders the creates, and each loser finds the id taken before it writes; on
    /// PostgreSQL a loser whose check ran before the winner committed meets the key (most runs
    /// have one; the telemetry's rule itself is pinned in <c>BehaviorDetailTests</c>).
    /// </summary>
    [Fact]
    public async Task RacingCreatesOfOneId_AreOneCreatedAndTheRest409_LoggedAsTheirOutcome()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = Guid.NewGuid();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creating = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id, model = "m" });
        })).ToList();
        start.SetResult();
        var answers = await Task.WhenAll(creating);

        Assert.Single(answers, answer => answer.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(answer => answer.StatusCode != HttpStatusCode.Created), answer => Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode));
        var lines = Factory.Logs.Lines.Where(line => line.Message.Contains(" CreateSessionCommand", StringComparison.Ordinal)).ToList();
        var correlations = answers.Select(answer => (object)answer.Headers.GetValues("X-Correlation-Id").Single()).ToHashSet();
        Assert.DoesNotContain(Factory.Logs.Lines, line => line.Level >= LogLevel.Error && correlations.Contains(line.Scope.GetValueOrDefault("CorrelationId") ?? string.Empty));
        Assert.Equal(7, lines.Count(line => line.Message.StartsWith("Handled CreateSessionCommand: AlreadyExists", StringComparison.Ordinal)));
    }
}

/// <summary>Once armed, fails the next statement that reads or writes the users as a database that did not answer in time would.</summary>
public sealed class UsersTimeout : DbCommandInterceptor
{
    private int _armed;

    public void Arm() => Volatile.Write(ref _armed, 1);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        command.CommandText.Contains("users", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1
            ? throw new TimeoutException("simulated: the database did not answer")
            : ValueTask.FromResult(result);
}

/// <summary>A Development host that keeps its log lines, whose next read of the users a test can make time out.</summary>
public sealed class DevelopmentErrorLogApiFactory : LoggedApiFactory
{
    public UsersTimeout Timeout { get; } = new();

    protected override string EnvironmentName => "Development";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Timeout));
    }
}

public sealed class OutsideACommandErrorLogTests(DevelopmentErrorLogApiFactory factory) : ApiTest<DevelopmentErrorLogApiFactory>(factory), IClassFixture<DevelopmentErrorLogApiFactory>
{
    /// <summary>
    /// The token endpoint reads and writes the database outside the mediator: a statement that
    /// times out there is 504, and logged once, by the service, as an error with the correlation
    /// id (no command's telemetry saw it, and EF Core's own error events are Debug).
    /// </summary>
    [Fact]
    public async Task ADatabaseTimeoutOutsideACommand_Is504_LoggedOnceByTheService()
    {
        Factory.Timeout.Arm();

        var answer = await Client.PostAsync("/dev/token", token: null, new { email = $"{Guid.NewGuid():N}@example.com", org = "demo", workspace = "default" });

        await answer.ExpectEnvelopeAsync(HttpStatusCode.GatewayTimeout, "gateway_timeout");
        var correlation = answer.Headers.GetValues("X-Correlation-Id").Single();
        var error = Assert.Single(Factory.Logs.Lines, line => line.Level >= LogLevel.Error);
        Assert.Equal("Sessions.Api.Errors.ErrorHandlingMiddleware", error.Category);
        Assert.Equal(correlation, error.Properties["CorrelationId"]);
        Assert.Equal("simulated: the database did not answer", error.Exception?.GetBaseException().Message);
    }
}
