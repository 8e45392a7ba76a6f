using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// How many SQL statements a request sends, counted by an EF Core command interceptor: a change
/// that adds a round trip to a hot path fails here. Each budget is measured after a warm-up
/// request, so the caller's membership and provisioned claims are cached as in steady traffic.
/// </summary>
public sealed class StatementBudgetTests(CountingApiFactory factory) : ApiTest<CountingApiFactory>(factory), IClassFixture<CountingApiFactory>
{
    [Fact]
    public async Task GetById_AndGetByPrefix_AreAtMostTwoStatements()
    {
        var (workspace, owner, session) = await SetUpAsync();

        var byId = await CountAsync(() => Client.GetAsync(workspace.SessionPath(session), owner.Token()), HttpStatusCode.OK);
        var byPrefix = await CountAsync(() => Client.GetAsync(workspace.SessionPath(session.ToString()[..8]), owner.Token()), HttpStatusCode.OK);

        Assert.InRange(byId.Count, 1, 2);
        Assert.InRange(byPrefix.Count, 1, 2);
    }

    [Fact]
    public async Task IdempotentFreeze_IsAtMostTwoStatements_AndCommittingFreezeAtMostFour()
    {
        var (workspace, owner, session) = await SetUpAsync();

        var first = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()), HttpStatusCode.OK);
        var again = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token()), HttpStatusCode.OK);

        Assert.InRange(first.Count, 1, 4);
        Assert.InRange(again.Count, 1, 2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(500)]
    public async Task AppendOfABatch_IsAtMostSixStatements_WhateverItsSize(int size)
    {
        var (workspace, owner, session) = await SetUpAsync();
        var messages = Enumerable.Range(0, size).Select(i => new { id = Guid.NewGuid(), role = i % 2 == 0 ? "user" : "assistant", content = $"message {i}", usage = new { input_tokens = i } }).ToArray();

        var appended = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages }), HttpStatusCode.OK);
        var retried = await CountAsync(() => Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { messages }), HttpStatusCode.OK);

        // The usage of the day is upserted by a statement of its own; no statement repeats per message.
        Assert.InRange(appended.Count, 1, 6);
        Assert.InRange(retried.Count, 1, 6);
    }

    /// <summary>
    /// On SQLite a statement run again reuses its prepared command: each pooled context keeps its
    /// connection and prepared commands open, so forty reads run on as many commands as there are
    /// contexts, not forty (without the cache every read prepares a new one). Npgsql recycles its
    /// command objects as well, so the bound holds on PostgreSQL too.
    /// </summary>
    [Fact]
    public async Task RepeatedReads_ReuseTheirPreparedCommand()
    {
        var (workspace, owner, session) = await SetUpAsync();

        Factory.Statements.Reset();
        for (var i = 0; i < 40; i++)
        {
            await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        }

        var commands = Factory.Statements.Commands;
        Assert.Equal(40, commands.Count);
        Assert.InRange(commands.Distinct(ReferenceEqualityComparer.Instance).Count(), 1, 20);
    }

    /// <summary>
    /// The one-session read and the lock-and-load are tagged to be prepared; on PostgreSQL they are
    /// then prepared statements of the connection that ran them (a primary-key plan, parsed and
    /// planned once per connection), and a list page or any other untagged query is not.
    /// </summary>
    [Fact]
    public async Task OneSessionReads_ArePreparedOnPostgres()
    {
        var (workspace, owner, session) = await SetUpAsync();
        var statements = await CountAsync(() => Client.GetAsync(workspace.SessionPath(session), owner.Token()), HttpStatusCode.OK);
        Assert.StartsWith("-- " + PostgresPreparedStatements.Tag, Assert.Single(statements), StringComparison.Ordinal);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        await db.Database.OpenConnectionAsync();
        var facts = await db.Sessions.Where(s => s.Id == session).Select(s => new { s.WorkspaceId, s.UserId }).SingleAsync();
        Assert.True(SessionReference.TryParse(session.ToString(), out var reference));
        var reads = scope.ServiceProvider.GetRequiredService<ISessionReadStore>();
        var audience = new SessionAudience(facts.WorkspaceId, facts.UserId, false);
        Assert.True((await reads.FindAsync(audience, reference, CancellationToken.None)).IsSuccess);
        var unfiltered = new SessionCriteria([], [], [], [], [], [], ArchivedFilter.Active, null, false);
        Assert.Single((await reads.ListAsync(audience, unfiltered, SessionSortField.UpdatedAt, SortDirection.Desc, 0, 20, CancellationToken.None)).Sessions);
        Assert.Empty((await reads.ListAsync(audience, unfiltered with { Search = "no such session" }, SessionSortField.UpdatedAt, SortDirection.Desc, 0, 20, CancellationToken.None)).Sessions);

        if (Factory.Database.IsPostgres)
        {
            var prepared = await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync();
            Assert.All(prepared, statement => Assert.Contains("-- " + PostgresPreparedStatements.Tag + "\n", statement, StringComparison.Ordinal));
            Assert.Contains(prepared, statement => statement.Contains("LEFT JOIN users", StringComparison.Ordinal) && !statement.Contains("ANY (", StringComparison.Ordinal));
            Assert.DoesNotContain(prepared, statement => statement.Contains("ORDER BY s.updated_at DESC", StringComparison.Ordinal) || statement.Contains("LIKE", StringComparison.Ordinal));
        }
    }

    private Task<IReadOnlyList<string>> CountAsync(Func<Task<HttpResponseMessage>> request, HttpStatusCode expected) =>
        Factory.Statements.DuringAsync(async () => await (await request()).ExpectAsync(expected));

    private async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session)> SetUpAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);
        return (workspace, owner, session);
    }
}
