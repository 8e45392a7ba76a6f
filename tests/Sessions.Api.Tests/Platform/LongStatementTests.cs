using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A host whose commands give up after one second, and which, once armed, runs the next read of
/// the sessions table as a statement of most of a minute instead (a count to three hundred
/// million), putting the read back as it was when that statement fails.
/// </summary>
public sealed class LongStatementApiFactory : ApiFactory
{
    public LongRead Hook { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Database:CommandTimeoutSeconds"] = "1" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Hook));
    }

    public sealed class LongRead : DbCommandInterceptor
    {
        private int _armed;
        private (DbCommand Command, string Text)? _replaced;

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"sessions\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _replaced = (command, command.CommandText);
                command.CommandText = $"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {DatabaseTimeoutTests.LongCount}) SELECT count(*) FROM c";
            }

            return ValueTask.FromResult(result);
        }

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            if (_replaced is { } replaced && ReferenceEquals(replaced.Command, command))
            {
                command.CommandText = replaced.Text;
                _replaced = null;
            }

            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// CONTRACT §2: 504 <c>gateway_timeout</c>, "a database command timed out". On SQLite a statement
/// that runs (not one that waits for a lock) past the command timeout is stopped and answered so,
/// with the envelope; the service answers the next request as usual.
/// </summary>
public sealed class LongStatementTests(LongStatementApiFactory factory) : ApiTest<LongStatementApiFactory>(factory), IClassFixture<LongStatementApiFactory>
{
    [ProviderFact("Sqlite")]
    public async Task AReadRunningPastTheCommandTimeout_Is504()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();

        Factory.Hook.Arm();
        await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.GatewayTimeout, "gateway_timeout");

        await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
    }
}
