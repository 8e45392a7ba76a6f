using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// Holds one user's next membership lookup after its statement ran (its answer read from the
/// database) until the test releases it: a request caught between reading a membership and
/// keeping the answer.
/// </summary>
public sealed class MembershipLookupPause : DbCommandInterceptor
{
    private readonly Lock _gate = new();
    private string? _userId;
    private TaskCompletionSource? _reached;
    private TaskCompletionSource? _released;

    /// <summary>Arms the pause for the next lookup of <paramref name="userId"/>; answers when it is reached, and the release.</summary>
    public (Task Reached, Action Release) Arm(Guid userId)
    {
        lock (_gate)
        {
            _userId = userId.ToString();
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var released = _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (_reached.Task, () => released.TrySetResult());
        }
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (Take(command) is { } pause)
        {
            pause.Reached.TrySetResult();
            await pause.Released.Task;
        }

        return result;
    }

    private (TaskCompletionSource Reached, TaskCompletionSource Released)? Take(DbCommand command)
    {
        lock (_gate)
        {
            if (_userId is null
                || !command.CommandText.Replace("\"", "", StringComparison.Ordinal).Contains("FROM memberships AS m", StringComparison.Ordinal)
                || !command.Parameters.Cast<DbParameter>().Any(p => string.Equals(p.Value?.ToString(), _userId, StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            _userId = null;
            return (_reached!, _released!);
        }
    }
}

/// <summary>A host whose membership lookups a test can hold (<see cref="MembershipLookupPause"/>).</summary>
public sealed class PausingApiFactory : ApiFactory
{
    public MembershipLookupPause Pause { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Pause));
    }
}

/// <summary>The membership cache never keeps an answer older than a membership change this instance committed (ADR 0020).</summary>
public sealed class MembershipCacheTests(PausingApiFactory factory) : ApiTest<PausingApiFactory>(factory), IClassFixture<PausingApiFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AMemberRemovedWhileTheirMembershipIsBeingRead_IsNotAMemberOnTheirNextRequest()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var member = await workspace.AddMemberAsync();
        var (reached, release) = Factory.Pause.Arm(member.Id);

        // The member's request reads their membership (present) and is held before it keeps the
        // answer; meanwhile the admin removes them, and that change commits.
        var inFlight = Client.GetAsync(workspace.SessionsPath, member.Token());
        await reached.WaitAsync(Patience);
        var removed = await Client.SendAsync(HttpMethod.Delete, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{member.Id}", admin.Token());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        release();
        await (await inFlight.WaitAsync(Patience)).ExpectAsync(HttpStatusCode.OK);

        await (await Client.GetAsync(workspace.SessionsPath, member.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public void ALookupThatBeganBeforeAClear_FinishesWithoutFailing_AndItsAnswerIsNotSeenAfterTheClear()
    {
        using var cache = new MembershipCache();
        var userId = Guid.NewGuid();
        var began = cache.Current;

        cache.Clear();
        began.Set("org", "ws", userId, new WorkspaceMembership(Guid.NewGuid(), Guid.NewGuid(), WorkspaceRole.Admin));

        Assert.True(began.TryGet("org", "ws", userId, out var kept));
        Assert.Equal(WorkspaceRole.Admin, kept!.Role);
        Assert.False(cache.Current.TryGet("org", "ws", userId, out _));
    }
}
