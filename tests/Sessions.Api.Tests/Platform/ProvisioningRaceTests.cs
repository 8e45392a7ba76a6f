using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Users;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A user's row is created by whichever request needs it first: the user's own first request
/// (with the token's profile) or an admin adding them (without one). When both come at the same
/// moment, neither fails and the profile is not lost.
/// </summary>
public sealed class ProvisioningRaceTests
{
    [Fact]
    public async Task AUserRowCreatedByAnotherRequestMomentsEarlier_StillGetsTheTokensProfile()
    {
        await using var factory = new RacingFactory();
        await factory.InitializeAsync();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var colleague = await workspace.AddMemberAsync();
        var user = new TestUser(Guid.NewGuid(), "first-sign-in@example.com");
        factory.Race.Arm(user.Id, _ => factory.WithDbAsync(db =>
        {
            db.Users.Add(User.Unprofiled(user.Id, DateTime.UtcNow));
            return db.SaveChangesAsync();
        }));

        // Not a member: the answer is 404, but the user's row is written before membership is read.
        await (await factory.CreateClient().GetAsync(workspace.SessionsPath, user.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");

        Assert.True(factory.Race.Happened);
        var stored = await factory.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(user.Email, stored.Email);
        await (await factory.CreateClient().GetAsync(workspace.SessionsPath, colleague.Token())).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnAdminAddingAUserWhoseFirstRequestCreatesTheirRowAtTheSameMoment_Answers200()
    {
        await using var factory = new RacingFactory();
        await factory.InitializeAsync();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var admin = await workspace.AddMemberAsync(Domain.Organizations.WorkspaceRole.Admin);
        var user = new TestUser(Guid.NewGuid(), "newcomer@example.com");

        // The row appears between the admin's look for it and the admin's insert of it: the same
        // insert, run first (inside the admin's transaction, where SQLite lets one writer in).
        factory.Race.Arm(user.Id, async insert =>
        {
            await using var first = insert.Connection!.CreateCommand();
            first.Transaction = insert.Transaction;
            first.CommandText = insert.CommandText;
            foreach (DbParameter parameter in insert.Parameters)
            {
                var copy = first.CreateParameter();
                (copy.ParameterName, copy.DbType, copy.Value) = (parameter.ParameterName, parameter.DbType, parameter.Value);
                first.Parameters.Add(copy);
            }

            await first.ExecuteNonQueryAsync();
        });

        var put = await factory.CreateClient().SendAsync(HttpMethod.Put, $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members/{user.Id}", admin.Token(), new { role = "member" });

        await put.ExpectAsync(HttpStatusCode.OK);
        Assert.True(factory.Race.Happened);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Memberships.CountAsync(m => m.UserId == user.Id && m.WorkspaceId == workspace.WorkspaceId)));
        await (await factory.CreateClient().GetAsync(workspace.SessionsPath, user.Token())).ExpectAsync(HttpStatusCode.OK);
    }

    private sealed class RacingFactory : ApiFactory
    {
        public InsertRace Race { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Race));
        }
    }

    /// <summary>Runs another insert of the user's row just before the service's own insert of it.</summary>
    private sealed class InsertRace : DbCommandInterceptor
    {
        private Guid _user;
        private Func<DbCommand, Task>? _other;

        public bool Happened { get; private set; }

        public void Arm(Guid user, Func<DbCommand, Task> other) => (_user, _other) = (user, other);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await RaceAsync(command);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await RaceAsync(command);
            return result;
        }

        private async Task RaceAsync(DbCommand command)
        {
            if (_other is not null
                && command.CommandText.Replace("\"", string.Empty, StringComparison.Ordinal).Contains("INSERT INTO users ", StringComparison.Ordinal)
                && command.Parameters.Cast<DbParameter>().Any(p => p.Value is Guid id && id == _user || p.Value is string text && text.Equals(_user.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                var other = _other;
                _other = null;
                await other(command);
                Happened = true;
            }
        }
    }
}
