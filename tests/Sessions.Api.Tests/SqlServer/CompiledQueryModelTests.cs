using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Stores;

namespace Sessions.Api.Tests.SqlServer;

/// <summary>
/// A process can hold more than one EF Core model (here the test host's and the SQL Server
/// probe's); a compiled query is compiled for each, since EF Core refuses to run one with a model
/// other than the one it first ran with.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class CompiledQueryModelTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task ACompiledQuery_FirstRunWithAnotherModel_StillAnswersForTheHostsModel()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var compiled = new CompiledPerModel<Func<SessionsDbContext, Guid, IAsyncEnumerable<Guid>>>(() =>
            EF.CompileAsyncQuery((SessionsDbContext db, Guid id) => db.Sessions.Where(s => s.Id == id).Select(s => s.Id)));

        await using var probe = new SqlServerProbe();
        await using (var probeScope = probe.Scope())
        {
            var sqlServer = probeScope.ServiceProvider.GetRequiredService<SessionsDbContext>();
            Assert.Empty(await compiled.For(sqlServer)(sqlServer, session).ToListAsync());
            Assert.Contains(probe.Commands.Texts, text => text.Contains("[sessions]", StringComparison.Ordinal));
        }

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        Assert.Equal([session], await compiled.For(db)(db, session).ToListAsync());
        Assert.Same(compiled.For(db), compiled.For(db));
    }

    /// <summary>
    /// The service's compiled queries, run with the probe's model and with the host's: whichever
    /// of the two ran one first in this process, the other still gets its answer.
    /// </summary>
    [Fact]
    public async Task TheServicesCompiledQueries_AnswerForTheProbesModelAndTheHosts()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        Assert.True(SessionReference.TryParse(session.ToString(), out var byId));
        Assert.True(SessionReference.TryParse(session.ToString()[..8], out var byPrefix));

        await using var probe = new SqlServerProbe();
        await using (var probeScope = probe.Scope())
        {
            var services = probeScope.ServiceProvider;
            var nobody = new SessionAudience(Guid.NewGuid(), Guid.NewGuid(), SeesAllSessions: true);
            Assert.False((await services.GetRequiredService<ISessionReadStore>().FindAsync(nobody, byId, default)).IsSuccess);
            Assert.False((await services.GetRequiredService<ISessionReadStore>().FindAsync(nobody, byPrefix, default)).IsSuccess);
            Assert.False((await services.GetRequiredService<ISessionReadStore>().ResolveAsync(nobody, byId, default)).IsSuccess);
            Assert.False((await services.GetRequiredService<ISessionReadStore>().ResolveAsync(nobody, byPrefix, default)).IsSuccess);
            Assert.Null(await services.GetRequiredService<ISessionRepository>().GetForUpdateAsync(session, withLabelRows: false, default));
            Assert.Null(await services.GetRequiredService<ISessionRepository>().GetForUpdateAsync(session, withLabelRows: true, default));
            Assert.Null(await services.GetRequiredService<ISessionRepository>().GetForChangeAsync(session, default));
            Assert.Empty(await services.GetRequiredService<SessionsDbContext>().ViewsInOrderAsync(nobody, [session], default));
        }

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        var owners = new SessionAudience(workspace.WorkspaceId, owner.Id, SeesAllSessions: false);
        Assert.True((await scope.ServiceProvider.GetRequiredService<ISessionReadStore>().FindAsync(owners, byId, default)).IsSuccess);
        Assert.True((await scope.ServiceProvider.GetRequiredService<ISessionReadStore>().FindAsync(owners, byPrefix, default)).IsSuccess);
        Assert.Equal(session, (await scope.ServiceProvider.GetRequiredService<ISessionReadStore>().ResolveAsync(owners, byId, default)).Value.Id);
        Assert.Equal(session, (await scope.ServiceProvider.GetRequiredService<ISessionReadStore>().ResolveAsync(owners, byPrefix, default)).Value.Id);
        Assert.Equal([session], (await db.ViewsInOrderAsync(owners, [session], default)).Select(v => v.Id));
        Assert.Equal(session, (await scope.ServiceProvider.GetRequiredService<ISessionRepository>().GetForChangeAsync(session, default))?.Id);
    }
}
