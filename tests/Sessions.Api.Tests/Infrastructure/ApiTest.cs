using Microsoft.EntityFrameworkCore;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// The base of a functional test: a client of the service under test, and the worlds tests start
/// from, each in one line, so a test reads as arrange, act, assert on the contract.
/// </summary>
public abstract class ApiTest<TFactory>(TFactory factory)
    where TFactory : ApiFactory
{
    protected TFactory Factory { get; } = factory;

    protected HttpClient Client { get; } = factory.CreateClient();

    /// <summary>A fresh organization's workspace and a member of it.</summary>
    protected async Task<(TestWorkspace Workspace, TestUser Member)> AWorkspaceWithAMemberAsync()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        return (workspace, await workspace.AddMemberAsync());
    }

    /// <summary>A fresh organization's workspace, a member of it, and a private session the member owns.</summary>
    protected async Task<(TestWorkspace Workspace, TestUser Owner, Guid Session)> AMembersSessionAsync()
    {
        var (workspace, owner) = await AWorkspaceWithAMemberAsync();
        return (workspace, owner, (await Client.CreateSessionAsync(workspace, owner)).Id());
    }

    /// <summary>How many events of <paramref name="type"/> the outbox holds for the session.</summary>
    protected Task<int> EventCountAsync(Guid sessionId, string type) =>
        Factory.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.AggregateId == sessionId && o.Type == type));
}
