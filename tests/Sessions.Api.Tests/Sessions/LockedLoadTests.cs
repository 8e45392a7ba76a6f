using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Sessions;

/// <summary>
/// A command that loads its session under the row lock while another writer (another instance of
/// the service, here another connection) holds that lock works on the session as that writer left
/// it: its row and the rows beside it alike. On PostgreSQL a statement that waits for a row lock
/// returns the row's new version but keeps its own snapshot for everything else it read (a
/// change of the labels reads their rows, and reads again; every other command reads the row
/// alone, ADR 0076).
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class LockedLoadTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task ALabelReplacementThatWaitedForTheRowLock_ReplacesTheLabelsTheOtherWriterLeft()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await using var connection = await Factory.Database.OpenOutsideThePoolAsync();
        await using var writer = await connection.BeginTransactionAsync();
        foreach (var statement in new[]
        {
            $"UPDATE sessions SET version = version + 1 WHERE id_text = '{session}'",
            $"INSERT INTO session_labels (key, value, position, session_id) SELECT 'team', 'red', 0, id FROM sessions WHERE id_text = '{session}'",
        })
        {
            await using var command = connection.CreateCommand();
            command.Transaction = writer;
            command.CommandText = statement;
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var replace = Client.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new Dictionary<string, string[]> { ["b"] = ["y"] } });
        await Factory.Database.UntilALockIsWaitedForAsync(TimeSpan.FromSeconds(30));
        await writer.CommitAsync();
        var replaced = await (await replace).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("""{"b":["y"]}""", replaced["labels"]!.ToJsonString());
        var read = await Client.GetAsync(workspace.SessionPath(session), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"b":["y"]}""", read["labels"]!.ToJsonString());
    }

    [Fact]
    public async Task ABulkShareThatWaitedForAnotherInstancesLabelChange_KeepsTheCountsOfTheLabelsThatInstanceLeft()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var colleague = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new Dictionary<string, string[]> { ["env"] = ["dev"] } })).Id();
        await using var other = new CommitPausingInstance(Factory.Database);
        await other.InitializeAsync();
        using var otherClient = other.CreateClient();
        var (reached, release) = other.Pause.Arm();

        // The other instance replaces the labels and is held just before its commit, holding the
        // session's row lock; this instance's bulk share waits for that lock, then goes on.
        var relabel = otherClient.SendAsync(HttpMethod.Patch, workspace.SessionPath(session), owner.Token(), new { labels = new Dictionary<string, string[]> { ["env"] = ["prod"] } });
        await reached.WaitAsync(TimeSpan.FromSeconds(30));
        var share = Client.PostAsync($"{workspace.SessionsPath}/bulk-share", owner.Token(), new { session_ids = new[] { session } });
        await Factory.Database.UntilALockIsWaitedForAsync(TimeSpan.FromSeconds(30));
        release();
        await (await relabel).ExpectAsync(HttpStatusCode.OK);
        var shared = await (await share).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(shared["failed"]!.AsArray());
        var facets = await Client.GetAsync($"{workspace.SessionsPath}/facets", colleague.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""{"env":[{"value":"prod","count":1}]}""", facets["labels"]!.ToJsonString());
        var listed = await Client.GetAsync($"{workspace.SessionsPath}?label=env:prod", colleague.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, listed["total"]!.GetValue<int>());
        var dev = await Client.GetAsync($"{workspace.SessionsPath}?label=env:dev", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, dev["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(99)]
    public async Task ARewindThatWaitedForAnotherInstancesFreeze_Is409SessionFrozen_WhateverItsTarget(int fromSeq)
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "one" }, new { role = "assistant", content = "two" });
        await using var other = new CommitPausingInstance(Factory.Database);
        await other.InitializeAsync();
        using var otherClient = other.CreateClient();
        var (reached, release) = other.Pause.Arm();

        // The other instance freezes the session and is held just before its commit; this
        // instance's rewind read the session unfrozen and waits for its row lock.
        var freeze = otherClient.PostAsync($"{workspace.SessionPath(session)}/freeze", owner.Token());
        await reached.WaitAsync(TimeSpan.FromSeconds(30));
        var rewind = Client.PostAsync($"{workspace.SessionPath(session)}/rewind", owner.Token(), new { from_seq = fromSeq });
        await Factory.Database.UntilALockIsWaitedForAsync(TimeSpan.FromSeconds(30));
        release();
        await (await freeze).ExpectAsync(HttpStatusCode.OK);

        await (await rewind).ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");
        var transcript = await Client.GetAsync($"{workspace.SessionPath(session)}/transcript", owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, transcript["messages"]!.AsArray().Count);
    }

    /// <summary>
    /// A bulk action that waited for one of its sessions' row locks takes only the sessions its
    /// statement locked. A session created meanwhile under a lower id of the batch is not the batch's:
    /// taking its lock then, while holding a higher id's, would close a circle with a writer that
    /// holds it and waits for the higher one (PostgreSQL's deadlock: the whole batch answered 409).
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task ABulkFreezeThatWaited_TakesNoSessionCreatedMeanwhile_AndWaitsInNoCircle()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var low = Guid.Parse("00000000" + Guid.NewGuid().ToString()[8..]);
        var high = Guid.Parse("ffffffff" + Guid.NewGuid().ToString()[8..]);
        await Client.CreateSessionAsync(workspace, owner, high);
        await using var holder = await Factory.Database.OpenOutsideThePoolAsync();
        await using var holding = await holder.BeginTransactionAsync();
        await RunAsync(holding, $"UPDATE sessions SET version = version + 1 WHERE id_text = '{high}'");

        var freeze = Client.PostAsync($"{workspace.SessionsPath}/bulk-freeze", owner.Token(), new { session_ids = new[] { low, high } });
        await Factory.Database.UntilALockIsWaitedForAsync(TimeSpan.FromSeconds(30));
        await Client.CreateSessionAsync(workspace, owner, low);
        await using var other = await Factory.Database.OpenOutsideThePoolAsync();
        await using var otherWriting = await other.BeginTransactionAsync();
        await RunAsync(otherWriting, $"SELECT 1 FROM sessions WHERE id_text = '{low}' FOR UPDATE");
        await holding.CommitAsync();

        // Paces the steps only: a batch that takes the new session's lock waits for it here, and
        // the update below then closes the circle whatever the wait.
        await Task.WhenAny(freeze, Task.Delay(TimeSpan.FromSeconds(2)));
        await RunAsync(otherWriting, $"UPDATE sessions SET version = version + 1 WHERE id_text = '{high}'");
        await otherWriting.CommitAsync();

        var outcome = await (await freeze).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(high.ToString(), Assert.Single(outcome["frozen"]!.AsArray())!.GetValue<string>());
        var failed = Assert.Single(outcome["failed"]!.AsArray())!;
        Assert.Equal((low.ToString(), 404), (failed["id"]!.GetValue<string>(), failed["code"]!.GetValue<int>()));
        var created = await Client.GetAsync(workspace.SessionPath(low), owner.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(created["frozen_at"]);
    }

    private static async Task RunAsync(DbTransaction transaction, string statement)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = statement;
        await command.ExecuteScalarAsync();
    }

    /// <summary>A second instance of the service on the same database, whose next commit a test can hold.</summary>
    private sealed class CommitPausingInstance(TestDatabase database) : ApiFactory(database, ownsDatabase: false)
    {
        public CommitPause Pause { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Pause));
        }
    }

    /// <summary>Holds the next commit after it is armed until the test releases it.</summary>
    private sealed class CommitPause : DbTransactionInterceptor
    {
        private TaskCompletionSource? _reached;
        private TaskCompletionSource? _released;

        public (Task Reached, Action Release) Arm()
        {
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = released;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (_reached.Task, () => released.TrySetResult());
        }

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _reached, null) is { } reached)
            {
                reached.TrySetResult();
                await _released!.Task;
            }

            return result;
        }
    }
}
