using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Events;
using Sessions.Application.Groups;
using Sessions.Application.Items;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Application.Usage;
using Sessions.Infrastructure.Development;
using Sessions.Infrastructure.Identity;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Providers;
using Sessions.Infrastructure.Persistence.Stores;
using Sessions.Infrastructure.Persistence.Usage;

namespace Sessions.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Contexts kept for reuse on SQLite, each with an open connection: a few times the requests the host runs at once.</summary>
    private const int SqliteContextPoolSize = 64;

    /// <summary>The database of <c>Database:Provider</c>, the stores behind the application's ports, and token plumbing.</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseOptions.FromConfiguration(configuration);
        services.AddSingleton(database);
        switch (database.Provider)
        {
            case DatabaseProvider.Postgres:
                AddContext<PostgresSessionsDbContext>(services, database);
                break;
            case DatabaseProvider.SqlServer:
                AddContext<SqlServerSessionsDbContext>(services, database);
                break;
            default:
                AddContext<SqliteSessionsDbContext>(services, database);
                break;
        }

        services.AddScoped<IUnitOfWork, UnitOfWork>();
        services.AddSingleton<IDatabaseErrorClassifier, DatabaseErrorClassifier>();
        services.AddScoped<ISessionRepository, SessionRepository>();
        services.AddScoped<ISessionReadStore, SessionReadStore>();
        services.AddScoped<IWorkspaceDirectory, WorkspaceDirectory>();
        services.AddSingleton<ProvisionedUsers>();
        services.AddSingleton<MembershipCache>();
        services.AddSingleton<SqliteWriterGate>();
        services.AddSingleton<SessionTurns>();
        services.AddScoped<IOrganizationRepository, OrganizationRepository>();
        services.AddScoped<ITranscriptStore, TranscriptStore>();
        services.AddScoped<ITranscriptReadStore, TranscriptReadStore>();
        services.AddScoped<ISessionItemStore, SessionItemStore>();
        services.AddScoped<ISessionEventStore, SessionEventStore>();
        services.AddScoped<IGroupRepository, GroupRepository>();
        services.AddScoped<IGroupReadStore, GroupReadStore>();
        services.AddScoped<IUsageReadStore, UsageReadStore>();
        services.AddScoped<DevelopmentIdentity>();
        services.AddSingleton(AuthOptions.FromConfiguration(configuration));
        services.AddSingleton<TokenIssuer>();
        return services;
    }

    /// <summary>
    /// The provider's context, pooled (a request takes a context whose options and services are
    /// built once), also served as <see cref="SessionsDbContext"/>, with every registered EF Core interceptor.
    /// </summary>
    private static void AddContext<TContext>(IServiceCollection services, DatabaseOptions database)
        where TContext : SessionsDbContext
    {
        // Interceptors are singletons: EF Core keys its internal service provider by them, so a
        // new instance per context would build a new provider for every request.
        // Statements prepared once: on SQLite a pooled context keeps its connection and prepared
        // statements open (SqliteStatementCache) with the plans they were prepared with
        // (SqliteStablePlans), so the pool is kept to what concurrent requests need, reads the file
        // through a memory map when one is configured (SqliteMemoryMap), and a statement running
        // past the command timeout or its caller is stopped (SqliteStatementDeadline); on
        // PostgreSQL the server keeps the tagged hot statements and the writes of saves (PostgresPreparedStatements),
        // and a save's kept sums ride in its batch (KeptSumsInTheSaveBatch), before that prepares it.
        var rowLocks = new RowLockInterceptor(database.Provider);
        IInterceptor[] own = database.Provider switch
        {
            DatabaseProvider.Sqlite => [rowLocks, new SqliteStatementCache(), new SqliteStablePlans(), .. SqliteMemoryMap.For(database), new SqliteStatementDeadline()],
            DatabaseProvider.Postgres when database.PrepareStatements => [rowLocks, new KeptSumsInTheSaveBatch(), new PostgresPreparedStatements()],
            DatabaseProvider.Postgres => [rowLocks, new KeptSumsInTheSaveBatch()],
            _ => [rowLocks],
        };
        void Configure(IServiceProvider provider, DbContextOptionsBuilder options)
        {
            database.Configure(options);
            options.AddInterceptors([.. own, .. provider.GetServices<IInterceptor>()]);
        }

        if (database.Provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextPool<TContext>(Configure, SqliteContextPoolSize);
            services.AddHostedService(provider => new SqliteCheckpointOnStop(provider.GetRequiredService<IHostApplicationLifetime>(), database.ConnectionString, provider.GetRequiredService<ILogger<SqliteCheckpointOnStop>>()));
        }
        else
        {
            services.AddDbContextPool<TContext>(Configure);
        }

        services.AddScoped<SessionsDbContext>(sp => sp.GetRequiredService<TContext>());
    }
}
