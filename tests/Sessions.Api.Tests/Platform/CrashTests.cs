using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The service killed with SIGKILL in the middle of concurrent writes, then started again on its
/// database: every write it acknowledged is there, and what it wrote is whole (issue 8: nothing
/// acknowledged is lost on kill -9; CONTRACT 5.1, 5.6, 5.9).
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private const int Sessions = 4;
    private const int Appenders = 6;
    private const int BatchSize = 2;
    private const int BatchesBeforeTheKill = 120;
    private const int MostRequestsPerWorker = 2_000;

    private readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task KilledWithSigkillDuringConcurrentWrites_RestartsWithEveryAcknowledgedWriteWhole()
    {
        var (workspace, owner) = await ServiceProcess.PrepareWorkspaceAsync(_database);
        var token = owner.Token();
        var acknowledged = new ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, long>>();
        var unexpected = new ConcurrentBag<string>();
        var created = new ConcurrentBag<Guid>();
        var frozen = Guid.Empty;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = 0;
        var freezeAcknowledged = false;
        void CountBatch()
        {
            if (Interlocked.Increment(ref batches) >= BatchesBeforeTheKill && Volatile.Read(ref freezeAcknowledged) && created.Count >= 3)
            {
                enough.TrySetResult();
            }
        }

        async Task<bool> AppendAsync(HttpClient http, Guid session)
        {
            var messages = Enumerable.Range(0, BatchSize).Select(i => new
            {
                id = Guid.NewGuid(),
                role = i == 0 ? "user" : "assistant",
                content = $"message {i}",
                usage = new { input_tokens = 3, output_tokens = 5, cost_usd = 0.002m },
            }).ToList();
            var response = await http.PostAsync(workspace.SessionPath(session) + "/transcript", token, new { messages });
            if (response.StatusCode != HttpStatusCode.OK)
            {
                unexpected.Add($"append: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return false;
            }

            var stored = acknowledged.GetOrAdd(session, _ => new());
            foreach (var message in (await response.JsonAsync())["messages"]!.AsArray())
            {
                stored[Guid.Parse(message!["id"]!.GetValue<string>())] = message["seq"]!.GetValue<long>();
            }

            CountBatch();
            return true;
        }

        var service = await ServiceProcess.StartAsync(_database);
        try
        {
            using var setupClient = service.CreateClient();
            var sessions = new List<Guid>();
            for (var i = 0; i <= Sessions; i++)
            {
                sessions.Add((await setupClient.CreateSessionAsync(workspace, owner)).Id());
            }

            frozen = sessions[Sessions];

            // Appenders write to the first sessions, two to a session; one more worker appends to
            // the last session, freezes it, then creates sessions and appends to each new one.
            var appenders = Enumerable.Range(0, Appenders).Select(worker => Task.Run(() => UntilTheKillAsync(service, async http =>
                await AppendAsync(http, sessions[worker % Sessions]))));
            var freezer = Task.Run(() => UntilTheKillAsync(service, async http =>
            {
                if (!Volatile.Read(ref freezeAcknowledged))
                {
                    if (!acknowledged.TryGetValue(frozen, out var before) || before.Count < 5 * BatchSize)
                    {
                        return await AppendAsync(http, frozen);
                    }

                    var freeze = await http.PostAsync(workspace.SessionPath(frozen) + "/freeze", token);
                    Volatile.Write(ref freezeAcknowledged, freeze.StatusCode == HttpStatusCode.OK);
                    return freeze.StatusCode == HttpStatusCode.OK || Fail($"freeze: {(int)freeze.StatusCode}");
                }

                var id = Guid.NewGuid();
                var create = await http.PostAsync(workspace.SessionsPath, token, new { id, model = "gpt-4o" });
                if (create.StatusCode != HttpStatusCode.Created)
                {
                    return Fail($"create: {(int)create.StatusCode}");
                }

                created.Add(id);
                return await AppendAsync(http, id);
            }));

            bool Fail(string what)
            {
                unexpected.Add(what);
                return false;
            }

            var workers = Task.WhenAll([.. appenders, freezer]);
            await Task.WhenAny(enough.Task, workers);
            Assert.True(enough.Task.IsCompleted, $"The load ended before the kill: {string.Join("; ", unexpected)}\n{service.Output}");
            await service.KillAsync();
            await workers;
        }
        finally
        {
            await service.DisposeAsync();
        }

        Assert.Empty(unexpected);
        await using var restarted = await ServiceProcess.StartAsync(_database);
        using var client = restarted.CreateClient();
        Assert.True(created.Count >= 3, $"only {created.Count} creates were acknowledged before the kill");
        foreach (var session in created)
        {
            await (await client.GetAsync(workspace.SessionPath(session), token)).ExpectAsync(HttpStatusCode.OK);
        }

        foreach (var (session, messages) in acknowledged)
        {
            var stored = await client.AllMessagesAsync(workspace, owner, session);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(seq => (long)seq), stored.Select(m => m["seq"]!.GetValue<long>()));
            var seqById = stored.ToDictionary(m => Guid.Parse(m["id"]!.GetValue<string>()), m => m["seq"]!.GetValue<long>());
            Assert.All(messages, acked => Assert.Equal(acked.Value, seqById.GetValueOrDefault(acked.Key)));
            var appended = (await EventsAsync(client, workspace, token, session)).Count(e => e["type"]!.GetValue<string>() == "TranscriptAppended");
            Assert.Equal(stored.Count, appended * BatchSize);
            await client.AssertUsageMatchesTranscriptAsync(workspace, owner, session);
        }

        var frozenSession = await (await client.GetAsync(workspace.SessionPath(frozen), token)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull(frozenSession["frozen_at"]);
        Assert.Single(await EventsAsync(client, workspace, token, frozen), e => e["type"]!.GetValue<string>() == "SessionFrozen");
        await (await client.PostAsync(workspace.SessionPath(frozen) + "/transcript", token, new { messages = new[] { new { role = "user", content = "after" } } }))
            .ExpectEnvelopeAsync(HttpStatusCode.Conflict, "session_frozen");

        // The restarted service goes on where the stored state is: the next seq, and a retried
        // acknowledged message answered from what is stored, not stored twice.
        var (first, firstMessages) = acknowledged.First(a => a.Key != frozen);
        var before = (await client.AllMessagesAsync(workspace, owner, first)).Count;
        var (retriedId, retriedSeq) = firstMessages.First();
        var answer = await client.AppendAsync(workspace, owner, first,
            new { id = retriedId, role = "user", content = "message 0" },
            new { id = Guid.NewGuid(), role = "assistant", content = "after the restart" });
        Assert.Equal(new[] { retriedSeq, before + 1L }, answer.Select(m => m!["seq"]!.GetValue<long>()));
        Assert.Equal(before + 1, (await client.AllMessagesAsync(workspace, owner, first)).Count);
    }

    /// <summary>A workspace and its owner, made through an in-process host that migrates the database first.</summary>
    /// <summary>
    /// Sends one request after another until one fails to reach the service (it was killed) or
    /// answers what the test did not expect; at most <see cref="MostRequestsPerWorker"/>, so the
    /// loop ends by itself.
    /// </summary>
    private static async Task UntilTheKillAsync(ServiceProcess service, Func<HttpClient, Task<bool>> request)
    {
        using var http = service.CreateClient();
        for (var sent = 0; sent < MostRequestsPerWorker; sent++)
        {
            try
            {
                if (!await request(http))
                {
                    return;
                }
            }
            catch (Exception unreachable) when (unreachable is HttpRequestException or IOException)
            {
                return;
            }
        }
    }

    private static async Task<List<JsonObject>> EventsAsync(HttpClient client, TestWorkspace workspace, string token, Guid session)
    {
        var events = new List<JsonObject>();
        var path = workspace.SessionPath(session) + "/events?limit=500";
        while (true)
        {
            var page = await (await client.GetAsync(path, token)).ExpectAsync(HttpStatusCode.OK);
            events.AddRange(page["events"]!.AsArray().Select(e => e!.AsObject()));
            if (!page["has_more"]!.GetValue<bool>())
            {
                return events;
            }

            path = workspace.SessionPath(session) + $"/events?limit=500&after_id={page["next_after_id"]}";
        }
    }
}
