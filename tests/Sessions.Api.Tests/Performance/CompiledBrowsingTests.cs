using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Providers;
using Sessions.Infrastructure.Persistence.Stores;

namespace Sessions.Api.Tests.Performance;

#pragma warning disable EF1001 // EF Core's compiled-query cache is internal API: the test counts its lookups.

/// <summary>
/// The browsing a frontend opens with, and a listing narrowed by one label alone, is a compiled
/// query of its shape: a query composed once for a template audience and label, its audience, page
/// and label bound as parameters (<see cref="QueryTemplate"/>, ADR 0059, ADR 0091). Every caller of a
/// shape runs the same compiled query, so what one caller sees must never be what the first caller saw.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class CompiledBrowsingTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private static readonly SessionCriteria Unfiltered = new(null, [], [], [], [], [], ArchivedFilter.Active, null, false);

    [Fact]
    public async Task CallersTakingTurnsOnOneShape_EachSeeTheirOwnSessions_AndTheirOwnPages()
    {
        var (here, owner) = await AWorkspaceWithAMemberAsync();
        var member = await here.AddMemberAsync();
        var (elsewhere, stranger) = await AWorkspaceWithAMemberAsync();
        var ownersPrivate = (await Client.CreateSessionAsync(here, owner)).Id();
        var ownersShared = (await Client.CreateSessionAsync(here, owner, extra: new { visibility = "workspace" })).Id();
        var membersPrivate = (await Client.CreateSessionAsync(here, member)).Id();
        var strangers = (await Client.CreateSessionAsync(elsewhere, stranger)).Id();

        for (var turn = 0; turn < 2; turn++)
        {
            Assert.Equal([ownersShared, ownersPrivate], await ListAsync(here, owner, string.Empty, total: 2));
            Assert.Equal([membersPrivate, ownersShared], await ListAsync(here, member, string.Empty, total: 2));
            Assert.Equal([strangers], await ListAsync(elsewhere, stranger, string.Empty, total: 1));

            Assert.Equal([membersPrivate], await ListAsync(here, member, "&limit=1&page=1", total: 2));
            Assert.Equal([ownersShared], await ListAsync(here, member, "&limit=1&page=2", total: 2));
            Assert.Equal([ownersPrivate], await ListAsync(here, owner, "&limit=1&page=2&sort_dir=desc", total: 2));
            Assert.Equal([ownersPrivate, ownersShared], await ListAsync(here, owner, "&sort_dir=asc", total: 2));
            Assert.Empty(await ListAsync(elsewhere, stranger, "&archived=archived", total: 0));
        }
    }

    [Fact]
    public async Task CallersTakingTurnsOnOneLabelledShape_EachSeeTheSessionsOfTheirOwnLabel()
    {
        var (here, owner) = await AWorkspaceWithAMemberAsync();
        var member = await here.AddMemberAsync();
        var (elsewhere, stranger) = await AWorkspaceWithAMemberAsync();
        object Labelled(string team, string? visibility = null) => visibility is null
            ? new { labels = new { team = new[] { team } } }
            : new { labels = new { team = new[] { team } }, visibility };
        var firstRed = (await Client.CreateSessionAsync(here, owner, extra: Labelled("red", "workspace"))).Id();
        var secondRed = (await Client.CreateSessionAsync(here, owner, extra: Labelled("red"))).Id();
        var blue = (await Client.CreateSessionAsync(here, owner, extra: Labelled("blue", "workspace"))).Id();
        var membersRed = (await Client.CreateSessionAsync(here, member, extra: Labelled("red"))).Id();
        var strangersRed = (await Client.CreateSessionAsync(elsewhere, stranger, extra: Labelled("red"))).Id();
        await Client.CreateSessionAsync(here, owner, extra: new { labels = new { env = new[] { "red" } } });

        for (var turn = 0; turn < 2; turn++)
        {
            Assert.Equal([secondRed, firstRed], await ListAsync(here, owner, "&label=team:red", total: 2));
            Assert.Equal([blue], await ListAsync(here, owner, "&label=team:blue", total: 1));
            Assert.Equal([membersRed, firstRed], await ListAsync(here, member, "&label=team:red", total: 2));
            Assert.Equal([blue], await ListAsync(here, member, "&label=team:blue", total: 1));
            Assert.Equal([strangersRed], await ListAsync(elsewhere, stranger, "&label=team:red", total: 1));
            Assert.Empty(await ListAsync(elsewhere, stranger, "&label=team:blue", total: 0));
            Assert.Empty(await ListAsync(here, owner, "&label=team:green", total: 0));

            Assert.Equal([firstRed], await ListAsync(here, owner, "&label=team:red&limit=1&page=2", total: 2));
            Assert.Equal([membersRed], await ListAsync(here, member, "&label=team:red&limit=1&page=1", total: 2));
            Assert.Equal([firstRed], await ListAsync(here, owner, "&label=team:red&limit=1&sort_dir=asc", total: 2));
        }
    }

    [Fact]
    public async Task AListingByOneLabel_KeepsTheArchivedAndWorkloadSwitches_OfItsShape()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var red = new { team = new[] { "red" } };
        var active = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = red })).Id();
        var archived = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = red })).Id();
        await (await Client.PostAsync(workspace.SessionPath(archived) + "/archive", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var eval = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = red, origin = "eval" })).Id();

        Assert.Equal([active], await ListAsync(workspace, owner, "&label=team:red", total: 1));
        Assert.Equal([archived], await ListAsync(workspace, owner, "&label=team:red&archived=archived", total: 1));
        Assert.Equal([eval, active], await ListAsync(workspace, owner, "&label=team:red&include_workload_sessions=true", total: 2));
        Assert.Equal([eval, archived, active], await ListAsync(workspace, owner, "&label=team:red&archived=any&include_workload_sessions=true", total: 3));
        Assert.Equal([archived], await ListAsync(workspace, owner, "&label=team:red&archived=any&include_workload_sessions=true&limit=1&page=2", total: 3));
    }

    [Fact]
    public async Task TheBrowsingPages_AndTheirTotals_LookUpNoComposedQuery_WhileAFilteredPageDoes()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        await Client.CreateSessionAsync(workspace, owner);
        await Client.CreateSessionAsync(workspace, owner);
        var database = Factory.Services.GetRequiredService<DatabaseOptions>();
        await using SessionsDbContext db = database.Provider == DatabaseProvider.Postgres
            ? new PostgresSessionsDbContext(Counting(Factory.Services.GetRequiredService<DbContextOptions<PostgresSessionsDbContext>>()))
            : new SqliteSessionsDbContext(Counting(Factory.Services.GetRequiredService<DbContextOptions<SqliteSessionsDbContext>>()));
        var reads = new SessionReadStore(db, database);
        var audience = new SessionAudience(workspace.WorkspaceId, owner.Id, SeesAllSessions: false);
        var lookups = (CountingQueryCache)db.GetService<ICompiledQueryCache>();

        async Task<(int Sessions, long Total)> PageAsync(SessionCriteria criteria, int skip, int take)
        {
            var (sessions, total) = await reads.ListAsync(audience, criteria, SessionSortField.UpdatedAt, SortDirection.Desc, skip, take, CancellationToken.None);
            return (sessions.Count, total);
        }

        var before = lookups.Count;
        Assert.Equal((2, 2), await PageAsync(Unfiltered, 0, ListSessionsQuery.DefaultLimit));
        Assert.Equal((1, 2), await PageAsync(Unfiltered, 0, 1));
        Assert.Equal((1, 2), await PageAsync(Unfiltered, 1, 1));
        Assert.Equal((0, 0), await PageAsync(Unfiltered with { LabelGroups = [[new LabelMatch("team", "red")]] }, 0, ListSessionsQuery.DefaultLimit));
        Assert.Equal((0, 0), await PageAsync(Unfiltered with { LabelGroups = [[new LabelMatch("team", "red")]] }, 1, 1));
        Assert.Equal(before, lookups.Count);

        Assert.Equal((0, 0), await PageAsync(Unfiltered with { LabelGroups = [[new LabelMatch("team", "red"), new LabelMatch("team", "blue")]] }, 0, ListSessionsQuery.DefaultLimit));
        Assert.True(lookups.Count > before, "a page of a label's two readings is composed and looked up in EF Core's query cache");
        var afterTwoReadings = lookups.Count;
        Assert.Equal((2, 2), await PageAsync(Unfiltered with { Models = ["gpt-4o"] }, 0, ListSessionsQuery.DefaultLimit));
        Assert.True(lookups.Count > afterTwoReadings, "a filtered page is composed and looked up in EF Core's query cache");
    }

    [Fact]
    public Task ATemplate_BindsItsAudienceAndPage_AsParameters() => Factory.WithDbAsync(async db =>
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var (elsewhere, stranger) = await AWorkspaceWithAMemberAsync();
        var sessions = new[] { (await Client.CreateSessionAsync(workspace, owner)).Id(), (await Client.CreateSessionAsync(workspace, owner)).Id() }.Order().ToList();
        var template = new SessionAudience(Guid.Empty, Guid.Empty, SeesAllSessions: false);
        var page = EF.CompileAsyncQuery(QueryTemplate.Bind(db.Sessions.AsNoTracking().VisibleTo(template).OrderBy(s => s.Id).Skip(0).Take(20).Select(s => s.Id), template));

        Assert.Equal(sessions, await page(db, workspace.WorkspaceId, owner.Id, 0, 20, null, null, 0).ToListAsync());
        Assert.Equal([sessions[1]], await page(db, workspace.WorkspaceId, owner.Id, 1, 1, null, null, 0).ToListAsync());
        Assert.Empty(await page(db, elsewhere.WorkspaceId, stranger.Id, 0, 20, null, null, 0).ToListAsync());
        Assert.Empty(await page(db, workspace.WorkspaceId, stranger.Id, 0, 20, null, null, 0).ToListAsync());
    });

    [Fact]
    public Task ATemplate_BindsWhatItsCompositionReadsOfItsLabel_AndTheLabelsBit_AsParameters() => Factory.WithDbAsync(async db =>
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        var red = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new { team = new[] { "red" } } })).Id();
        var blue = (await Client.CreateSessionAsync(workspace, owner, extra: new { labels = new { team = new[] { "blue" } } })).Id();
        var template = new SessionAudience(Guid.Empty, Guid.Empty, SeesAllSessions: false);
        var label = new LabelMatch("template-key", "template-value");
        var bits = (long?)LabelBits.Of([(label.Key, label.Value)]);
        var page = EF.CompileAsyncQuery(QueryTemplate.Bind(
            db.Sessions.AsNoTracking().VisibleTo(template)
                .Where(s => EF.Parameter(bits) == null || ((long?)EF.Property<long>(s, LabelBits.Property) & bits) != 0)
                .Where(s => s.Labels.Any(l => l.Key == label.Key && l.Value == label.Value))
                .OrderBy(s => s.Id).Skip(0).Take(20).Select(s => s.Id),
            template,
            label));

        async Task<List<Guid>> LabelledAsync(string key, string value) =>
            await page(db, workspace.WorkspaceId, owner.Id, 0, 20, key, value, LabelBits.Of([(key, value)])).ToListAsync();

        // The template's bit is none of these labels', so a bit written into the query would leave them out.
        Assert.Equal(0L, bits!.Value & (LabelBits.Of([("team", "red")]) | LabelBits.Of([("team", "blue")])));
        Assert.Equal([red], await LabelledAsync("team", "red"));
        Assert.Equal([blue], await LabelledAsync("team", "blue"));
        Assert.Empty(await LabelledAsync("template-key", "template-value"));
        // The bit is the request's: with another label's, the folded labels' test leaves the session out.
        Assert.Empty(await page(db, workspace.WorkspaceId, owner.Id, 0, 20, "team", "red", LabelBits.Of([("team", "blue")])).ToListAsync());

        // What the composition computes from the label other than its bit would be the template's: refused.
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => s.Title!.Length == label.Key.Length), template, label));
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => s.Title == label.ToString()), template, label));
        // The label's key copied before the query is built would be written in as the template's.
        var copiedKey = new string(label.Key.AsSpan());
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => s.Labels.Any(l => l.Key == copiedKey)), template, label));
    });

    /// <summary>A static field a template must not write in: it may be assigned after the binding.</summary>
    private static string mutableTitle = string.Empty;

    [Fact]
    public Task ATemplate_RefusesWhatItCannotBind() => Factory.WithDbAsync(db =>
    {
        var template = new SessionAudience(Guid.Empty, Guid.Empty, SeesAllSessions: false);
        var captured = template;
        List<Guid> ids = [Guid.NewGuid()];

        // The audience read through a variable would be written into the query as the template's.
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => s.WorkspaceId == captured.WorkspaceId), template));
        // A list is a value of the request that composed the template.
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => ids.Contains(s.Id)), template));
        // Two limits: which is the page's?
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.OrderBy(s => s.Id).Take(5).Skip(1).Take(2), template));
        // A query of a list, not of the database (its expression is the query itself).
        var inMemory = ids.AsQueryable();
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => inMemory.Contains(s.Id)), template));
        // A static property is read each time: written in, it would stay the moment of the binding.
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => s.CreatedAt < DateTime.UtcNow), template));
        // A static field that may be assigned again.
        mutableTitle = "bench";
        Assert.Throws<NotSupportedException>(() => QueryTemplate.Bind(db.Sessions.Where(s => s.Title == mutableTitle), template));

        string? unset = null;
        var bound = QueryTemplate.Bind(db.Sessions.Where(s => EF.Parameter(unset) == null || s.Title == unset), template);
        Assert.DoesNotContain(nameof(Queryable.Where), bound.Body.ToString(), StringComparison.Ordinal);
        // A static field that stays what it was (Guid.Empty) is a plain value, written in.
        var empty = QueryTemplate.Bind(db.Sessions.Where(s => s.GroupId == Guid.Empty), template);
        Assert.Contains(Guid.Empty.ToString(), empty.Body.ToString(), StringComparison.Ordinal);
        return Task.CompletedTask;
    });

    /// <summary>
    /// A browsing shape is a listing's criteria with no narrowing filter (<c>GivenFilters.Narrowing</c>)
    /// and the two switches the shape keys on: a criterion added to <see cref="SessionCriteria"/>
    /// must be made one or the other, or a compiled shape would answer without it.
    /// </summary>
    [Fact]
    public void EveryCriterion_IsANarrowingFilter_OrAPartOfTheBrowsingShape()
    {
        string[] narrowing = [nameof(SessionCriteria.Owners), nameof(SessionCriteria.ProjectIds), nameof(SessionCriteria.Agents), nameof(SessionCriteria.Models), nameof(SessionCriteria.Origins), nameof(SessionCriteria.LabelGroups), nameof(SessionCriteria.Search)];
        string[] shaped = [nameof(SessionCriteria.Archived), nameof(SessionCriteria.IncludeWorkloadSessions)];
        var criteria = typeof(SessionCriteria).GetConstructors().Single().GetParameters().Select(p => p.Name!);
        Assert.Equal([.. narrowing.Concat(shaped).Order(StringComparer.Ordinal)], criteria.Order(StringComparer.Ordinal));

        foreach (var filter in new[]
        {
            Unfiltered with { Owners = [Guid.NewGuid()] },
            Unfiltered with { ProjectIds = [Guid.NewGuid()] },
            Unfiltered with { Agents = ["a"] },
            Unfiltered with { Models = ["m"] },
            Unfiltered with { Origins = [SessionOrigin.User] },
            Unfiltered with { LabelGroups = [[new LabelMatch("team", "red")]] },
            Unfiltered with { Search = "x" },
        })
        {
            Assert.True(GivenFilters.Narrowing(filter), $"{filter} narrows the listing");
        }

        Assert.False(GivenFilters.Narrowing(Unfiltered with { Archived = ArchivedFilter.Any, IncludeWorkloadSessions = true }));
    }

    private async Task<List<Guid>> ListAsync(TestWorkspace workspace, TestUser user, string query, int total)
    {
        var page = await Client.GetAsync($"{workspace.SessionsPath}?sort_by=created_at{query}", user.Token()).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(total, page["total"]!.GetValue<int>());
        return [.. page["sessions"]!.AsArray().Select(s => Guid.Parse(s!["id"]!.GetValue<string>()))];
    }

    private static DbContextOptions<T> Counting<T>(DbContextOptions<T> options)
        where T : DbContext =>
        new DbContextOptionsBuilder<T>(options).ReplaceService<ICompiledQueryCache, CountingQueryCache>().Options;

    /// <summary>EF Core's compiled-query cache, counting its lookups: one for each run of a composed query.</summary>
    private sealed class CountingQueryCache(IMemoryCache memoryCache) : CompiledQueryCache(memoryCache)
    {
        private int count;

        public int Count => count;

        public override Func<QueryContext, TResult> GetOrAddQuery<TResult>(object cacheKey, Func<Func<QueryContext, TResult>> compiler)
        {
            Interlocked.Increment(ref count);
            return base.GetOrAddQuery(cacheKey, compiler);
        }
    }
}
