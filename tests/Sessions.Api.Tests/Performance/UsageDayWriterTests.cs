using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Usage;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// The usage-day upsert writes as many statements as its rows need (a rewind over many days, or
/// sessions of many days in one save), each in a command of its own, and drops the rows that no
/// message counts any more in each, when a delta takes messages away.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class UsageDayWriterTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task DaysOfSeveralSessions_BeyondOneStatement_AreAddedAndDroppedWhole()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var ids = new[] { (await Client.CreateSessionAsync(workspace, owner)).Id(), (await Client.CreateSessionAsync(workspace, owner)).Id() };
        var sessions = await Factory.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync());
        var first = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        // Enough days for two statements at the provider's limit of parameters (SQLite's is the lowest).
        var days = await Factory.WithDbAsync(db => Task.FromResult(db.Provider == DatabaseProvider.Sqlite ? 150 : 1_100));
        List<SessionUsageDay> Days(long sign) =>
            [.. Enumerable.Range(0, days).SelectMany(d => sessions.Select(s => SessionUsageDay.From(s, first.AddDays(d), new UsageTotals(sign, 10 * sign, sign, 0, 0, 0, 0.5m * sign, 0))))];

        Assert.InRange(await Factory.WithDbAsync(db => Task.FromResult(UsageDayWriter.Statements(db, db.Provider, Days(1)).Count)), 2, int.MaxValue);
        await Factory.WithDbAsync(db => new RowWriter(db.Provider).FlushAsync(db, UsageDayWriter.Statements(db, db.Provider, Days(1)), default));
        var added = await Factory.WithDbAsync(db => db.UsageDays.Where(d => ids.Contains(d.SessionId)).GroupBy(d => d.SessionId).Select(g => new { g.Key, Days = g.Count(), Tokens = g.Sum(d => d.InputTokens) }).ToListAsync());
        await Factory.WithDbAsync(db => new RowWriter(db.Provider).FlushAsync(db, UsageDayWriter.Statements(db, db.Provider, Days(1)), default));
        var twice = await Factory.WithDbAsync(db => db.UsageDays.Where(d => ids.Contains(d.SessionId)).SumAsync(d => d.MessageCount));
        await Factory.WithDbAsync(db => new RowWriter(db.Provider).FlushAsync(db, UsageDayWriter.Statements(db, db.Provider, Days(-2)), default));

        Assert.All(added, session => Assert.Equal((days, 10L * days), (session.Days, session.Tokens)));
        Assert.Equal(2, added.Count);
        Assert.Equal(2 * days * 2, twice);
        Assert.Equal(0, await Factory.WithDbAsync(db => db.UsageDays.CountAsync(d => ids.Contains(d.SessionId))));
    }

    [Fact]
    public async Task DeltasThatOnlyAddMessages_DropNothing_ADeltaThatTakesMessagesAway_DropsTheRowsLeftEmpty()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var id = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var session = await Factory.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id));
        var day = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        SessionUsageDay Delta(DateTime on, long messages) => SessionUsageDay.From(session, on, new UsageTotals(messages, 5 * messages, 0, 0, 0, 0, 0m, 0));
        Task<IReadOnlyList<RowWriter.Statement>> WriteAsync(params SessionUsageDay[] deltas) => Factory.WithDbAsync(async db =>
        {
            var statements = UsageDayWriter.Statements(db, db.Provider, deltas);
            await new RowWriter(db.Provider).FlushAsync(db, statements, default);
            return statements;
        });

        var added = await WriteAsync(Delta(day, 2), Delta(day.AddDays(1), 1));
        var rewound = await WriteAsync(Delta(day, -2), Delta(day.AddDays(1), 3));

        Assert.DoesNotContain(added, s => s.Sql.Contains("DELETE", StringComparison.Ordinal));
        Assert.Contains(rewound, s => s.Sql.Contains("DELETE FROM session_usage_days", StringComparison.Ordinal));
        var left = await Factory.WithDbAsync(db => db.UsageDays.AsNoTracking().Where(d => d.SessionId == id).Select(d => new { d.Day, d.MessageCount, d.InputTokens }).ToListAsync());
        Assert.Equal([(day.AddDays(1), 4L, 20L)], left.Select(d => (d.Day, d.MessageCount, d.InputTokens)));
    }
}
