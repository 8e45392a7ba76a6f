using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
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
}
