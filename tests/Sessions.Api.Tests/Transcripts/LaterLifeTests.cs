using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>
/// A host that runs a piece of work once, just before the next read of a table about one id (a
/// parameter), once armed; or before a later such read, letting <c>pass</c> of them run first.
/// </summary>
public sealed class ReadHookApiFactory : ApiFactory
{
    public BeforeRead Hook { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Hook));
    }

    public sealed class BeforeRead : DbCommandInterceptor
    {
        private Armed? _armed;

        private int _passing;

        public void Arm(string table, Guid about, Func<Task> work, int pass = 0)
        {
            Volatile.Write(ref _passing, pass);
            Interlocked.Exchange(ref _armed, new Armed(table, about, work));
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command,
            CommandEventData eventData,
            InterceptionResult<DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            if (_armed is { } armed
                && (command.CommandText.Contains($"FROM \"{armed.Table}\" ", StringComparison.Ordinal) || command.CommandText.Contains($"FROM {armed.Table} ", StringComparison.Ordinal))
                && command.Parameters.Cast<DbParameter>().Any(p => p.Value is Guid id && id == armed.About)
                && Interlocked.Decrement(ref _passing) < 0
                && Interlocked.CompareExchange(ref _armed, null, armed) == armed)
            {
                await armed.Work();
            }

            return await base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        private sealed record Armed(string Table, Guid About, Func<Task> Work);
    }
}

/// <summary>
/// A session deleted and created again under its id (here by another user, privately, in another
/// workspace) between a read finding it and the read of its rows: the reader sees none of the later
/// session's messages, items or events (CONTRACT 3: another user's private session does not exist for them).
/// </summary>
public sealed class LaterLifeTests(ReadHookApiFactory factory) : IClassFixture<ReadHookApiFactory>
{
    private const string Secret = "the later session's secret";

    /// <remarks>
    /// With <paramref name="byAnOlderInstance"/>, the later session's events after its creation carry
    /// no life, as an instance not yet upgraded writes them while a deployment rolls: the trail still
    /// ends before that creation.
    /// </remarks>
    [Theory]
    [InlineData("/trajectory?format=native", "session_messages", false)]
    [InlineData("/trajectory?format=native", "outbox_messages", false)]
    [InlineData("/trajectory?format=native", "outbox_messages", true)]
    [InlineData("/trajectory?format=openai", "session_messages", false)]
    [InlineData("/transcript", "session_messages", false)]
    [InlineData("/messages/search?q=secret", "session_messages", false)]
    [InlineData("/items", "session_items", false)]
    [InlineData("/events", "outbox_messages", false)]
    [InlineData("/events", "outbox_messages", true)]
    public async Task ASessionCreatedAgainUnderItsIdMeanwhile_ShowsNoneOfItsRows(string route, string table, bool byAnOlderInstance)
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var reader = await workspace.AddMemberAsync();
        var elsewhere = await TestWorkspace.CreateAsync(factory);
        var stranger = await elsewhere.AddMemberAsync();
        var first = await client.CreateSessionAsync(workspace, owner, extra: new { visibility = "workspace" });
        var (session, created) = (first.Id(), DateTime.Parse(first["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal));
        await client.AppendAsync(workspace, owner, session, new { role = "user", content = "shared question" });
        factory.Hook.Arm(table, session, async () =>
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session), owner.Token())).StatusCode);
            await client.CreateSessionAsync(elsewhere, stranger, session);
            await client.AppendAsync(elsewhere, stranger, session, new { role = "user", content = Secret });
            await (await client.PostAsync(elsewhere.SessionPath(session) + "/items", stranger.Token(), new { item_type = "finding", data = new { note = Secret } }))
                .ExpectAsync(HttpStatusCode.Created);
            if (byAnOlderInstance)
            {
                await factory.WithDbAsync(db => db.OutboxMessages.Where(o => o.AggregateId == session && o.LifeCreatedAt != created && o.Type != "SessionCreated")
                    .ExecuteUpdateAsync(set => set.SetProperty(o => o.LifeCreatedAt, (DateTime?)null)));
            }
        });

        var response = await client.GetAsync(workspace.SessionPath(session) + route, reader.Token());
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await (await client.GetAsync(elsewhere.SessionPath(session), stranger.Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(stranger.Id.ToString(), body, StringComparison.Ordinal);
        Assert.DoesNotContain(elsewhere.WorkspaceId.ToString(), body, StringComparison.Ordinal);
        if (route == "/events")
        {
            var types = JsonNode.Parse(body)!["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
            Assert.Equal(("SessionCreated", "SessionDeleted", 1), (types[0], types[^1], types.Count(t => t == "SessionCreated")));
        }
    }

    /// <summary>
    /// A retried append (or compaction) whose ids the later session holds is not taken as done, nor
    /// an item whose dedupe key it holds (CONTRACT 5.7: a key repeated "in that session"): none is
    /// answered with the later session's messages or item, and none is written into the later
    /// session, which lives in another workspace: the session is gone from the caller's (404).
    /// </summary>
    [Theory]
    [InlineData("/transcript", "session_messages")]
    [InlineData("/transcript/compact", "session_messages")]
    [InlineData("/items", "session_items")]
    public async Task ARetryAfterTheSessionWasCreatedAgainUnderItsId_IsNotAnsweredWithTheLaterSessionsMessages(string route, string table)
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var elsewhere = await TestWorkspace.CreateAsync(factory);
        var stranger = await elsewhere.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();
        var message = Guid.NewGuid();
        await client.AppendAsync(workspace, owner, session, new { role = "user", content = "first" });
        factory.Hook.Arm(table, session, async () =>
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, workspace.SessionPath(session), owner.Token())).StatusCode);
            await client.CreateSessionAsync(elsewhere, stranger, session);
            await client.AppendAsync(elsewhere, stranger, session, new { id = message, role = "system", content = Secret });
            await (await client.PostAsync(elsewhere.SessionPath(session) + "/items", stranger.Token(), new { item_type = "finding", data = new { note = Secret }, dedupe_key = "k" }))
                .ExpectAsync(HttpStatusCode.Created);
        });
        object body = route switch
        {
            "/transcript" => new { messages = new[] { new { id = message, role = "system", content = "mine" } } },
            "/items" => new { item_type = "finding", data = new { note = "mine" }, dedupe_key = "k" },
            _ => new { summary = new { id = message, role = "system", content = "mine" }, up_to_seq = 1 },
        };

        var response = await client.PostAsync(workspace.SessionPath(session) + route, owner.Token(), body);
        var text = await response.Content.ReadAsStringAsync();

        var theirs = await (await client.GetAsync(elsewhere.SessionPath(session) + "/transcript", stranger.Token())).Content.ReadAsStringAsync();
        var theirItems = await (await client.GetAsync(elsewhere.SessionPath(session) + "/items", stranger.Token())).Content.ReadAsStringAsync();

        await response.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains(Secret, theirs, StringComparison.Ordinal);
        Assert.DoesNotContain("mine", theirs, StringComparison.Ordinal);
        Assert.DoesNotContain("mine", theirItems, StringComparison.Ordinal);
    }
}
