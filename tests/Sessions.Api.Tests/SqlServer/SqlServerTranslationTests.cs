using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Application.Common.Security;
using Sessions.Application.Events;
using Sessions.Application.Groups;
using Sessions.Application.Items;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Application.Transcripts;
using Sessions.Application.Usage;
using Sessions.Domain.Groups;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Counts;
using Sessions.Infrastructure.Persistence.Stores;
using Sessions.Infrastructure.Persistence.Usage;

namespace Sessions.Api.Tests.SqlServer;

/// <summary>
/// SQL Server, the production database, checked without a server: every store of the service is
/// driven with the inputs that shape its queries, the SQL Server provider translates them, and
/// what it would send (queries, the service's own MERGE statements, row-lock hints, the idempotent
/// migration script) must parse as T-SQL. A query the provider cannot translate fails here.
/// </summary>
public sealed partial class SqlServerTranslationTests
{
    private static readonly Guid Workspace = Guid.NewGuid();
    private static readonly Guid User = Guid.NewGuid();
    private static readonly SessionAudience Member = new(Workspace, User, SeesAllSessions: false);
    /// <summary>Every session of the workspace: what the evaluation service may name to freeze.</summary>
    private static readonly SessionAudience Everything = Member with { SeesAllSessions = true };

    private static readonly string[] Criteria = ["default", "search", "one label", "two labels", "every filter", "archived", "any"];

    /// <summary>
    /// Searches match text literally on every provider: on SQL Server <c>[</c> opens a character
    /// class in LIKE, so it is escaped there too (elsewhere it is a plain character, and SQLite's
    /// trigram index serves only patterns that need no escape).
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.SqlServer, "[draft] 50%_off\\", "\\[draft] 50\\%\\_off\\\\")]
    [InlineData(DatabaseProvider.Postgres, "[draft] 50%_off", "[draft] 50\\%\\_off")]
    [InlineData(DatabaseProvider.Sqlite, "[draft]^", "[draft]^")]
    public void SearchText_IsEscapedForLike_WithCharacterClassesOnSqlServer(DatabaseProvider provider, string text, string pattern) =>
        Assert.Equal(pattern, SessionQueries.EscapeLike(text, provider));

    [Fact]
    public async Task EveryStoreQuery_TranslatesForSqlServer_AndParsesAsTSql()
    {
        await using var probe = new SqlServerProbe();
        var failures = new List<string>();
        var id = Guid.NewGuid();
        Assert.True(SessionReference.TryParse(id.ToString(), out var byId));
        Assert.True(SessionReference.TryParse(id.ToString()[..8], out var byPrefix));

        async Task Run(string what, Func<IServiceProvider, Task> operation)
        {
            await using var scope = probe.Scope();
            try
            {
                if (!await IgnoringNoRows(probe, () => operation(scope.ServiceProvider)))
                {
                    failures.Add($"{what}: sent no command");
                }
            }
            catch (Exception exception) when (IsTranslationFailure(exception))
            {
                failures.Add($"{what}: {exception.Message}");
            }
        }

        foreach (var name in Criteria)
        {
            var criteria = CriteriaNamed(name);
            foreach (var audience in new[] { Member, Everything })
            {
                foreach (var sort in Enum.GetValues<SessionSortField>())
                {
                    foreach (var direction in Enum.GetValues<SortDirection>())
                    {
                        await Run($"list {name} {sort} {direction}", s => s.GetRequiredService<ISessionReadStore>().ListAsync(audience, criteria, sort, direction, 0, 20, default));
                        await Run($"list page 2 {name} {sort} {direction}", s => s.GetRequiredService<ISessionReadStore>().ListAsync(audience, criteria, sort, direction, -1, 20, default));
                    }
                }

                await Run($"facets {name}", s => s.GetRequiredService<ISessionReadStore>().FacetsAsync(audience, criteria, default));
                await Run($"group list {name}", s => s.GetRequiredService<IGroupReadStore>().ListAsync(new GroupAudience(audience, User, false), new GroupCriteria([GroupStatus.Running], [GroupKind.Workflow], [Guid.NewGuid()]), criteria, true, 0, 20, default));
                await Run($"grouped {name}", s => s.GetRequiredService<IGroupReadStore>().GroupedAsync(audience, criteria, 0, 20, 5, default));
                await Run($"group counts {name}", s => s.GetRequiredService<IGroupReadStore>().CountsAsync(audience, [Guid.NewGuid(), Guid.NewGuid()], criteria, default));
                await Run($"group sessions {name}", s => s.GetRequiredService<IGroupReadStore>().SessionsAsync(audience, Guid.NewGuid(), criteria, 500, default));
                foreach (var grouping in new[] { "model", "agent", "user", "origin", "day", "label:team" })
                {
                    foreach (var window in Windows())
                    {
                        await Run($"usage {grouping} {name} {window}", s => s.GetRequiredService<IUsageReadStore>().SumAsync(audience, criteria, UsageGrouping.Parse(grouping)!, window, default));
                    }
                }
            }
        }

        var reads = new (string What, Func<IServiceProvider, Task> Operation)[]
        {
            ("resolve by id", s => s.GetRequiredService<ISessionReadStore>().ResolveAsync(Member, byId, default)),
            ("resolve by prefix", s => s.GetRequiredService<ISessionReadStore>().ResolveAsync(Member, byPrefix, default)),
            ("resolve by id in the whole workspace", s => s.GetRequiredService<ISessionReadStore>().ResolveAsync(Everything, byId, default)),
            ("resolve by prefix in the whole workspace", s => s.GetRequiredService<ISessionReadStore>().ResolveAsync(Everything, byPrefix, default)),
            ("find by id", s => s.GetRequiredService<ISessionReadStore>().FindAsync(Member, byId, default)),
            ("find by id in the whole workspace", s => s.GetRequiredService<ISessionReadStore>().FindAsync(Everything, byId, default)),
            ("find by prefix", s => s.GetRequiredService<ISessionReadStore>().FindAsync(Member, byPrefix, default)),
            ("find by prefix in the whole workspace", s => s.GetRequiredService<ISessionReadStore>().FindAsync(Everything, byPrefix, default)),
            ("views by ids", s => Db(s).ViewsInOrderAsync(Member, [id], default)),
            ("user chips", s => s.GetRequiredService<ISessionReadStore>().GetUserChipsAsync([User], default)),
            ("lock one", s => s.GetRequiredService<ISessionRepository>().GetForUpdateAsync(id, withLabelRows: false, default)),
            ("lock one with its label rows", s => s.GetRequiredService<ISessionRepository>().GetForUpdateAsync(id, withLabelRows: true, default)),
            ("load one without a lock", s => s.GetRequiredService<ISessionRepository>().GetForChangeAsync(id, default)),
            ("lock many", s => s.GetRequiredService<ISessionRepository>().GetManyForUpdateAsync(Member, [id, Guid.NewGuid()], default)),
            ("exists", s => s.GetRequiredService<ISessionRepository>().ExistsAsync(id, default)),
            ("messages by id", s => s.GetRequiredService<ITranscriptStore>().FindByIdsAsync(new SessionLifeKey(id, DateTime.UtcNow), [Guid.NewGuid()], long.MaxValue, default)),
            ("compact", s => s.GetRequiredService<ITranscriptStore>().CompactAsync(id, 10, DateTime.UtcNow, default)),
            ("plan rewind", s => s.GetRequiredService<ITranscriptStore>().PlanRewindAsync(id, 3, default)),
            ("rewind", s => s.GetRequiredService<ITranscriptStore>().DeleteFromAsync(id, 3, default)),
            ("transcript page", s => s.GetRequiredService<ITranscriptReadStore>().PageAsync(new SessionLifeKey(id, DateTime.UtcNow), 0, 100, false, default)),
            ("transcript page, compacted too", s => s.GetRequiredService<ITranscriptReadStore>().PageAsync(new SessionLifeKey(id, DateTime.UtcNow), 100, 100, true, default)),
            ("message search", s => s.GetRequiredService<ITranscriptReadStore>().SearchAsync(new SessionLifeKey(id, DateTime.UtcNow), "50%_off", 0, 20, false, default)),
            ("item by key", s => s.GetRequiredService<ISessionItemStore>().FindByDedupeKeyAsync(new SessionLifeKey(id, DateTime.UtcNow), "k", default)),
            ("items", s => s.GetRequiredService<ISessionItemStore>().PageAsync(new SessionLifeKey(id, DateTime.UtcNow), null, 10, default)),
            ("items after", s => s.GetRequiredService<ISessionItemStore>().PageAsync(new SessionLifeKey(id, DateTime.UtcNow), new ItemPlace(DateTime.UtcNow, Guid.NewGuid()), 10, default)),
            ("events", s => s.GetRequiredService<ISessionEventStore>().PageAsync(id, [SessionLife.Living(DateTime.UtcNow)], null, 100, default)),
            ("events after", s => s.GetRequiredService<ISessionEventStore>().PageAsync(id, [new SessionLife(DateTime.UtcNow, DateTime.UtcNow)], Guid.NewGuid(), 100, default)),
            ("events of two lives", s => s.GetRequiredService<ISessionEventStore>().PageAsync(id, [new SessionLife(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddHours(-1)), new SessionLife(DateTime.UtcNow, null)], null, 100, default)),
            ("deleted trail", s => s.GetRequiredService<ISessionEventStore>().DeletedFromWorkspaceAsync(id, Workspace, default)),
            ("group exists", s => s.GetRequiredService<IGroupReadStore>().ExistsAsync(Workspace, id, default)),
            ("group", s => s.GetRequiredService<IGroupReadStore>().FindAsync(new GroupAudience(Member, User, false), id, default)),
            ("group as admin", s => s.GetRequiredService<IGroupReadStore>().FindAsync(new GroupAudience(Member, User, true), id, default)),
            ("group for update", s => s.GetRequiredService<IGroupRepository>().GetForUpdateAsync(Workspace, id, default)),
            ("membership", s => s.GetRequiredService<IWorkspaceDirectory>().FindMembershipAsync("acme", "lab", User, default)),
            ("workspace", s => s.GetRequiredService<IWorkspaceDirectory>().FindWorkspaceAsync("acme", "lab", default)),
            ("members", s => s.GetRequiredService<IWorkspaceDirectory>().ListMembersAsync(Workspace, default)),
            ("organization", s => s.GetRequiredService<IOrganizationRepository>().FindOrganizationAsync("acme", default)),
            ("workspace exists", s => s.GetRequiredService<IOrganizationRepository>().WorkspaceExistsAsync(Workspace, "lab", default)),
            ("member", s => s.GetRequiredService<IOrganizationRepository>().FindMembershipAsync(Workspace, User, default)),
            ("admins", s => s.GetRequiredService<IOrganizationRepository>().CountAdminsAsync(Workspace, default)),
            ("members' lock", s => s.GetRequiredService<IOrganizationRepository>().LockMembersAsync(Workspace, default)),
            ("user", s => s.GetRequiredService<IOrganizationRepository>().FindOrAddUserAsync(User, DateTime.UtcNow, default)),
            ("save a new session with messages, counts and usage", SaveNewSessionAsync),
            ("save a changed session", SaveChangedSessionAsync),
            ("facet counts", s => ApplyCountsAsync(Db(s), [Count("model", "gpt-4o", 1), Count("label", "red", -1, "team")])),
            ("usage days", s => new RowWriter(DatabaseProvider.SqlServer).FlushAsync(Db(s), UsageDayWriter.Statements(Db(s), DatabaseProvider.SqlServer, [UsageDay(1), UsageDay(-1)]), default)),
            ("usage days follow their session", s => UsageDayWriter.RefilterAsync(Db(s), [NewSession()], default)),
        };
        foreach (var (what, operation) in reads)
        {
            await Run(what, operation);
        }

        var texts = probe.Commands.Texts.Distinct().ToList();
        var unparsable = texts.Select(t => (Text: t, Errors: SqlServerProbe.ParseErrors(t))).Where(t => t.Errors.Count > 0).ToList();

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(unparsable.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, unparsable.Select(u => $"{string.Join("; ", u.Errors)}{Environment.NewLine}{u.Text}")));
        Assert.True(texts.Count >= 60, $"only {texts.Count} distinct statements were produced");
        Assert.Contains(texts, t => t.Contains("MERGE session_counts", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("MERGE session_usage_days", StringComparison.Ordinal));

        // A day a usage window's edge cuts is read from its inside on SQL Server, whatever the
        // length of its rest: its read committed reads one statement's rows at different moments,
        // so no statement takes a day's messages off its rows (ADR 0048).
        // (`UsageEdgeStatementTests` finds the netting's grouping on the other databases.)
        Assert.DoesNotContain(texts, t => t.Contains("GROUP BY [u].[SessionId]", StringComparison.Ordinal));

        // Usage sums read each token count in two 64-bit parts: integer division and remainder by
        // 2^32, which T-SQL does only when both operands are integers.
        Assert.Contains(texts, t => t.Contains("SUM([s].[total_usage_input_tokens] / CAST(4294967296 AS bigint))", StringComparison.Ordinal)
            && t.Contains("SUM([s].[total_usage_input_tokens] % CAST(4294967296 AS bigint))", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("FROM [sessions] AS [s] WITH (UPDLOCK, ROWLOCK, HOLDLOCK)", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("FROM [session_groups] AS [s] WITH (UPDLOCK, ROWLOCK, HOLDLOCK)", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("INSERT INTO users", StringComparison.Ordinal) && t.Contains("WHERE NOT EXISTS", StringComparison.Ordinal));
    }

    /// <summary>
    /// SQL Server takes at most 2,100 parameters in a request. A listing, its facets and its usage
    /// with the most filters a request may carry (20 label filters of 64 readings each, their values
    /// shared by the filters or each filter's own; 50 values of every other filter) stay within it:
    /// EF Core sends a list as one parameter for each value, or as one JSON parameter where a
    /// statement's would pass the limit.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheMostFilters_StayWithinSqlServersParameters(bool valuesOfTheirOwn)
    {
        await using var probe = new SqlServerProbe();

        // A filter of a letter, 64 colons and a value reads as 64 labels (QueryShapesTests).
        const int readings = 64;
        var most = Defaults() with
        {
            Owners = [.. Enumerable.Range(0, 2 * SessionFilterInput.MaxValuesPerParameter).Select(_ => Guid.NewGuid())],
            ProjectIds = [.. Enumerable.Range(0, SessionFilterInput.MaxValuesPerParameter).Select(_ => Guid.NewGuid())],
            Agents = [.. Enumerable.Range(0, SessionFilterInput.MaxValuesPerParameter).Select(i => $"agent-{i}")],
            Models = [.. Enumerable.Range(0, SessionFilterInput.MaxValuesPerParameter).Select(i => $"model-{i}")],
            Origins = [.. Enum.GetValues<SessionOrigin>()],
            LabelGroups = [.. Enumerable.Range(0, SessionFilterInput.MaxLabelFilters).Select(g => (IReadOnlyList<LabelMatch>)
                [.. Enumerable.Range(0, readings).Select(k => new LabelMatch($"{(char)('a' + g)}{new string(':', k)}", $"{new string(':', readings - 1 - k)}{(valuesOfTheirOwn ? (char)('a' + g) : 'x')}"))])],
        };

        foreach (var searched in new[] { most, most with { Search = "50%_off" } })
        {
            await using var scope = probe.Scope();
            var reads = scope.ServiceProvider.GetRequiredService<ISessionReadStore>();
            foreach (var sort in Enum.GetValues<SessionSortField>())
            {
                Assert.True(await IgnoringNoRows(probe, () => reads.ListAsync(Member, searched, sort, SortDirection.Desc, 20, 20, default)), $"the list in {sort} order sent no command");
            }

            Assert.True(await IgnoringNoRows(probe, () => reads.FacetsAsync(Member, searched, default)), "the facets sent no command");
            Assert.True(await IgnoringNoRows(probe, () => scope.ServiceProvider.GetRequiredService<IUsageReadStore>().SumAsync(Member, searched, UsageGrouping.Parse("model")!, Windows().First(), default)), "the usage sent no command");
        }

        var texts = probe.Commands.Texts;
        Assert.True(texts.Count >= 10, $"only {texts.Count} statements were sent");
        var mostParameters = texts.Max(t => Parameter().Matches(t).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.InRange(mostParameters, 1, 2_100);
    }

    /// <summary>
    /// A page in the order of the last message is found by ids (ADR 0057); on SQL Server, whose
    /// statement reads its rows at different moments, the page's sessions are read from the visible
    /// ones, not by id alone: a session deleted and created again under its id in another workspace
    /// while the statement runs is not read.
    /// </summary>
    [Fact]
    public async Task APageInTheOrderOfTheLastMessage_ReadsItsSessionsFromTheVisibleOnes()
    {
        await using var probe = new SqlServerProbe();
        await using var scope = probe.Scope();

        Assert.True(await IgnoringNoRows(probe, () => scope.ServiceProvider.GetRequiredService<ISessionReadStore>().ListAsync(Member, Defaults(), SessionSortField.LastMessageAt, SortDirection.Desc, 20, 20, default)));

        var page = Assert.Single(probe.Commands.Texts, t => t.Contains("UNION ALL", StringComparison.Ordinal));
        Assert.Contains("WHERE [s].[workspace_id] = @WorkspaceId AND ([s].[user_id] = @UserId OR [s].[visibility] = N'Workspace') AND [s].[id] IN (", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs an operation the probe answers with no rows (there is no server), where one that needs
    /// a row throws, and tells whether it sent a command, which is what is checked: a query EF Core
    /// cannot translate sends none, whatever its error's wording. A translation failure is thrown.
    /// </summary>
    private static async Task<bool> IgnoringNoRows(SqlServerProbe probe, Func<Task> operation)
    {
        var sent = probe.Commands.Texts.Count;
        try
        {
            await operation();
        }
        catch (Exception exception) when (!IsTranslationFailure(exception) && exception is (InvalidOperationException or DbUpdateException or NullReferenceException))
        {
            // No rows came back.
        }

        return probe.Commands.Texts.Count > sent;
    }

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    [Fact]
    public async Task TheIdempotentMigrationScript_ParsesAsTSql()
    {
        await using var probe = new SqlServerProbe();
        await using var scope = probe.Scope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();

        var script = db.Database.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("CREATE TABLE [session_usage_days]", script, StringComparison.Ordinal);
        Assert.Empty(SqlServerProbe.ParseErrors(script));
    }

    [Fact]
    public async Task StartupMigrations_GiveEveryStatementTheMigrationsTimeout_NotARequestsOne()
    {
        await using var probe = new SqlServerProbe();
        await using var scope = probe.Scope();

        await DatabaseInitializer.MigrateAsync(scope.ServiceProvider, default);

        var migrationStatements = probe.Commands.Texts.Select((text, i) => (Text: text, Timeout: probe.Commands.Timeouts[i]))
            .Where(c => c.Text.Contains("CREATE TABLE [session_usage_days]", StringComparison.Ordinal) || c.Text.Contains("INSERT INTO session_usage_days", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(migrationStatements);
        Assert.All(migrationStatements, c => Assert.Equal(600, c.Timeout));
    }

    /// <summary>
    /// SQL Server keys <c>gpt-4</c> and <c>gpt-4 </c> as one count row: a model changed by a trailing
    /// space, or two sessions so named in one bulk action, give the <c>MERGE</c> one source row, not
    /// two for one target row (which SQL Server refuses).
    /// </summary>
    [Fact]
    public void CountDeltas_DifferingOnlyByTrailingSpaces_AreOneRowForSqlServer()
    {
        var folded = SessionCountWriter.AsSqlServerKeys(
        [
            Count("label", "red", 1, "team"),
            Count("model", "gpt-4", 1),
            Count("model", "gpt-4 ", 1),
            Count("model", "gpt-4  ", -1),
            Count("model", "o3", -1),
            Count("model", "o3 ", 1),
            Count("model", "\tgpt-4", 1),
            Count("user", "red", 1),
        ]);

        Assert.Equal(
            ["label team red 1", "model  \tgpt-4 1", "model  gpt-4 1", "user  red 1"],
            folded.Select(c => $"{c.Dimension} {c.Key} {c.Value} {c.Count}"));
    }

    [Fact]
    public async Task CountDeltas_DifferingOnlyByTrailingSpaces_AreMergedAsOneSourceRow()
    {
        await using var probe = new SqlServerProbe();
        await using var scope = probe.Scope();

        await ApplyCountsAsync(Db(scope.ServiceProvider), [Count("model", "gpt-4", -1), Count("model", "gpt-4 ", 1), Count("model", "o3", 1), Count("model", "o3 ", 1)]);

        var merge = Assert.Single(probe.Commands.Texts, t => t.Contains("MERGE session_counts", StringComparison.Ordinal));
        Assert.Contains("USING (VALUES (@c0, ", merge, StringComparison.Ordinal);
        Assert.DoesNotContain("), (", merge, StringComparison.Ordinal);
    }

    [Fact]
    public void TheParser_RefusesWhatSqlServerWouldRefuse()
    {
        Assert.NotEmpty(SqlServerProbe.ParseErrors("SELECT * FROM sessions LIMIT 5"));
        Assert.NotEmpty(SqlServerProbe.ParseErrors("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO NOTHING"));
        Assert.Empty(SqlServerProbe.ParseErrors("SELECT TOP (5) [s].[id] FROM [sessions] AS [s] WITH (UPDLOCK)"));
    }

    private static bool IsTranslationFailure(Exception exception) =>
        exception is InvalidOperationException && (exception.Message.Contains("could not be translated", StringComparison.Ordinal)
            || exception.Message.Contains("Translating this query", StringComparison.Ordinal)
            || exception.Message.Contains("not supported", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<UsageWindow> Windows()
    {
        var midnight = DateTime.SpecifyKind(DateTime.UtcNow.Date, DateTimeKind.Utc);
        yield return new UsageWindow(null, null);
        yield return new UsageWindow(midnight.AddDays(-30), midnight);
        yield return new UsageWindow(midnight.AddDays(-30).AddHours(12), midnight.AddHours(5));
        yield return new UsageWindow(midnight.AddHours(1), midnight.AddHours(2));
        yield return new UsageWindow(null, midnight.AddHours(3));

        // Edges that read the rest of their days and take it off the days' rows.
        yield return new UsageWindow(midnight.AddDays(-30).AddHours(3), midnight.AddDays(-1).AddHours(21));
    }

    private static SessionCriteria CriteriaNamed(string name) => name switch
    {
        "search" => Defaults() with { Search = "50%_off" },
        "one label" => Defaults() with { LabelGroups = [[new LabelMatch("team", "red"), new LabelMatch("team", "blue")]] },
        "two labels" => Defaults() with { LabelGroups = [[new LabelMatch("team", "red")], [new LabelMatch("env", "prod")]] },
        "every filter" => Defaults() with
        {
            Owners = [User],
            ProjectIds = [Guid.NewGuid()],
            Agents = ["coder"],
            Models = ["gpt-4o", "claude"],
            Origins = [SessionOrigin.User, SessionOrigin.Worker],
            LabelGroups = [[new LabelMatch("team", "red")]],
            Search = "x",
            IncludeWorkloadSessions = true,
        },
        "archived" => Defaults() with { Archived = ArchivedFilter.Archived },
        "any" => Defaults() with { Archived = ArchivedFilter.Any, IncludeWorkloadSessions = true },
        _ => Defaults(),
    };

    private static SessionCriteria Defaults() => new(null, [], [], [], [], [], ArchivedFilter.Active, null, false);

    private static SessionsDbContext Db(IServiceProvider services) => services.GetRequiredService<SessionsDbContext>();

    /// <summary>Runs the count upserts of the deltas as a save on SQL Server does: each a command of its own.</summary>
    private static async Task ApplyCountsAsync(SessionsDbContext db, IReadOnlyList<SessionCount> deltas)
    {
        foreach (var statement in SessionCountWriter.Statements(db, DatabaseProvider.SqlServer, deltas))
        {
            await RowWriter.ExecuteAsync(db, statement, default);
        }
    }

    private static SessionCount Count(string dimension, string value, long count, string key = "") => new()
    {
        WorkspaceId = Workspace,
        OwnerId = User,
        Origin = "User",
        Dimension = dimension,
        Key = key,
        Value = value,
        Count = count,
    };

    private static SessionUsageDay UsageDay(long sign) =>
        SessionUsageDay.From(NewSession(), DateTime.UtcNow.Date, new UsageTotals(sign, 10 * sign, sign, 0, 0, 0, 0.5m * sign, 0));

    private static Session NewSession() => Session.Create(
        new NewSession(Guid.NewGuid(), "gpt-4o", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Workspace, null, null, null),
        Workspace,
        User,
        DateTime.UtcNow);

    private static async Task SaveNewSessionAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<SessionsDbContext>();
        var session = Session.Create(
            new NewSession(Guid.NewGuid(), "gpt-4o", "probe", "coder", new Dictionary<string, IReadOnlyList<string>> { ["team"] = ["red"] }, 2, SessionOrigin.User, SessionVisibility.Private, null, null, null),
            Workspace,
            User,
            DateTime.UtcNow);
        db.Sessions.Add(session);
        var appended = session.AppendMessages(null, [new MessageDraft(null, MessageRole.User, "hi", null, null, [], null, new MessageUsage(10, 2, 0, 0, 0.01m))], User, DateTime.UtcNow);
        foreach (var message in appended.Value)
        {
            db.Append(message);
        }

        await db.SaveChangesAsync();
    }

    private static async Task SaveChangedSessionAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<SessionsDbContext>();
        var session = Session.Create(
            new NewSession(Guid.NewGuid(), "gpt-4o", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Private, null, null, null),
            Workspace,
            User,
            DateTime.UtcNow);
        db.Sessions.Attach(session);
        session.ClearDomainEvents();
        session.Archive(User, DateTime.UtcNow);
        await db.SaveChangesAsync();
    }
}
