using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Persistence;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Persistence;

namespace Sessions.Api.Tests.Platform;

/// <summary>The real unit of work on the suite's real database: commit, rollback, and the rerun after a lost race.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class UnitOfWorkTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task AWorkThatCommits_IsStored()
    {
        var id = Guid.NewGuid();

        var committed = await RunAsync((db, _) => AddUser(db, id), commit: true);

        Assert.True(committed);
        Assert.True(await UserExistsAsync(id));
    }

    [Fact]
    public async Task AFailedResult_RollsBack_AndForgetsWhatWasTracked()
    {
        var id = Guid.NewGuid();
        SessionsDbContext? used = null;

        var committed = await RunAsync((db, _) => { used = db; return AddUser(db, id); }, commit: false);

        Assert.False(committed);
        Assert.False(await UserExistsAsync(id));
        Assert.Empty(used!.ChangeTracker.Entries());
    }

    [Fact]
    public async Task AWorkThatThrows_StoresNothing()
    {
        var id = Guid.NewGuid();

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(async (db, ct) =>
        {
            await AddUser(db, id);
            await db.SaveChangesAsync(ct);
            throw new InvalidOperationException("the work failed after writing");
        }, commit: true, writeAtOnce: true));

        Assert.False(await UserExistsAsync(id));
    }

    /// <summary>
    /// The final save takes its changes as they are when the work ends (the save inside the write
    /// turn does not detect changes again): a change made after a save in the middle of the work
    /// is committed too, with its event.
    /// </summary>
    [Fact]
    public async Task AChangeAfterASaveInTheMiddleOfTheWork_IsCommittedToo()
    {
        var (_, owner, id) = await AMembersSessionAsync();

        await RunAsync(async (db, ct) =>
        {
            var loaded = await db.Sessions.SingleAsync(s => s.Id == id, ct);
            loaded.Pin(owner.Id, DateTime.UtcNow);
            await db.SaveChangesAsync(ct);
            loaded.Archive(owner.Id, DateTime.UtcNow);
            return true;
        }, commit: true, writeAtOnce: true);

        var stored = await Factory.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id));
        Assert.NotNull(stored.PinnedAt);
        Assert.NotNull(stored.ArchivedAt);
        var events = await Factory.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.AggregateId == id).Select(o => o.Type).ToListAsync());
        Assert.Contains("SessionPinned", events);
        Assert.Contains("SessionArchived", events);
    }

    [Fact]
    public async Task ALostRace_RerunsTheWholeWorkOnFreshState()
    {
        var (_, owner, id) = await AMembersSessionAsync();
        var session = (Id: id, Owner: owner.Id);
        var attempts = 0;
        var rerunning = new List<bool>();
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        var unit = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();

        await unit.ExecuteAsync(
            async ct =>
            {
                attempts++;
                rerunning.Add(unit.Rerunning);
                var loaded = await db.Sessions.SingleAsync(s => s.Id == session.Id, ct);
                if (attempts == 1)
                {
                    await PinElsewhereAsync(session.Id);
                }

                loaded.Archive(session.Owner, DateTime.UtcNow);
                return true;
            },
            done => done,
            writeAtOnce: false,
            CancellationToken.None);

        Assert.Equal(2, attempts);
        Assert.Equal([false, true], rerunning);
        Assert.False(unit.Rerunning);
        var stored = await Factory.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id));
        Assert.NotNull(stored.PinnedAt);
        Assert.NotNull(stored.ArchivedAt);
    }

    [Fact]
    public async Task ARaceLostEveryTime_GivesUpAfterThreeRuns()
    {
        var (_, owner, id) = await AMembersSessionAsync();
        var session = (Id: id, Owner: owner.Id);
        var attempts = 0;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => RunAsync(async (db, ct) =>
        {
            attempts++;
            var loaded = await db.Sessions.SingleAsync(s => s.Id == session.Id, ct);
            await PinElsewhereAsync(session.Id, unpinFirst: attempts > 1);
            loaded.Archive(session.Owner, DateTime.UtcNow);
            return true;
        }, commit: true));

        Assert.Equal(3, attempts);
        Assert.Null((await Factory.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id))).ArchivedAt);
    }

    /// <summary>
    /// A command about one session that fails or throws after taking its turn (the session's line
    /// on a server, the writer gate on SQLite) gives it back: the next writer gets in at once.
    /// </summary>
    [Fact]
    public async Task AWriteAboutOneSession_GivesItsTurnBack_WhenItFailsOrThrows()
    {
        var (_, _, session) = await AMembersSessionAsync();

        var failed = await WriteAboutAsync(session, _ => Task.FromResult(false));
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAboutAsync(session, _ => throw new InvalidOperationException("the work failed")));
        var next = WriteAboutAsync(session, _ => Task.FromResult(true));

        Assert.False(failed);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, Factory.Services.GetRequiredService<SessionTurns>().Active);
    }

    private async Task<bool> WriteAboutAsync(Guid session, Func<SessionsDbContext, Task<bool>> work)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        var unit = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        return await unit.ExecuteAsync(
            async ct =>
            {
                await unit.BeginWriteAsync(session, ct);
                await db.Sessions.SingleAsync(s => s.Id == session, ct);
                return await work(db);
            },
            done => done,
            writeAtOnce: false,
            CancellationToken.None);
    }

    private async Task<bool> RunAsync(Func<SessionsDbContext, CancellationToken, Task<bool>> work, bool commit, bool writeAtOnce = false)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SessionsDbContext>();
        var unit = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        return await unit.ExecuteAsync(async ct => await work(db, ct) && commit, done => done, writeAtOnce, CancellationToken.None);
    }

    private static Task<bool> AddUser(SessionsDbContext db, Guid id)
    {
        db.Users.Add(User.Create(id, $"uow-{id:N}@example.com", "Unit of work", $"uow-{id:N}", DateTime.UtcNow));
        return Task.FromResult(true);
    }

    private Task<bool> UserExistsAsync(Guid id) => Factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == id));

    /// <summary>Another request changes the session meanwhile, so the version the work loaded is stale.</summary>
    private Task PinElsewhereAsync(Guid id, bool unpinFirst = false) => Factory.WithDbAsync(async db =>
    {
        var session = await db.Sessions.SingleAsync(s => s.Id == id);
        if (unpinFirst)
        {
            session.Unpin(session.UserId, DateTime.UtcNow);
        }

        session.Pin(session.UserId, DateTime.UtcNow);
        await db.SaveChangesAsync();
    });
}
