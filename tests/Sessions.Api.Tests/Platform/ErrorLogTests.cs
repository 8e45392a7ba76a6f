using System.Data.Common;
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

/// <summary>A host that keeps its log lines and whose next commit a test can hold.</summary>
public sealed class ErrorLogApiFactory : ApiFactory
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

    public CapturedLogs Logs { get; } = new();

    public CommitPause Commits { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Migrations"] = "Information",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database"] = "Debug",
        ["Logging:LogLevel:Sessions.Application"] = "Information",
        ["Logging:LogLevel:Sessions.Api.Operations.RequestLogging"] = "Information",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs).AddSingleton<IInterceptor>(Commits));
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

    private static bool IsTheFreezesLine(CapturedLog line) =>
        line.Category == "Sessions.Api.Operations.RequestLogging" && line.Message.StartsWith("HTTP POST ", StringComparison.Ordinal) && line.Message.Contains("/freeze ", StringComparison.Ordinal);

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
        Assert.DoesNotContain(Factory.Logs.Lines, line => line.Level >= LogLevel.Error);
        while (!Factory.Logs.Lines.Any(IsTheFreezesLine) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var requestLine = Assert.Single(Factory.Logs.Lines, IsTheFreezesLine);
        Assert.StartsWith("HTTP POST api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}/freeze was cut: its connection was aborted after ", requestLine.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, requestLine.Level);
    }
}
