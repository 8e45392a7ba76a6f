using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// On PostgreSQL a start analyzes each table of the service that PostgreSQL has never analyzed,
/// which it would plan as at least ten pages while the table holds fewer (ADR 0079).
/// </summary>
public sealed class TableStatisticsTests
{
    /// <summary>
    /// On a new database every table of the model has statistics once the service has started (the
    /// migrations create them without); a table whose statistics are gone, as a table is after a restore or
    /// when a migration creates it, has them again after the next start, and one analyzed before is
    /// left as it was. It writes the catalog as the suite's database user, a superuser.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task AStart_AnalyzesEveryTablePostgresHasNeverAnalyzed()
    {
        var first = new ApiFactory();
        try
        {
            await first.InitializeAsync();
            var modelTables = await first.WithDbAsync(db => Task.FromResult(db.Model.GetRelationalModel().Tables.Select(table => table.Name).ToList()));
            Task<List<string>> NeverAnalyzedAsync() => first.WithDbAsync(db => db.Database.SqlQueryRaw<string>(NeverAnalyzedTables)
                .Where(name => modelTables.Contains(name)).OrderBy(name => name).ToListAsync());

            var tables = await first.WithDbAsync(db => db.Database.SqlQueryRaw<string>(SchemaTables).ToListAsync());
            Assert.Subset(tables.ToHashSet(), modelTables.ToHashSet());
            Assert.Contains("users", modelTables);
            Assert.Empty(await NeverAnalyzedAsync());

            await first.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "UPDATE pg_class SET reltuples = -1 WHERE oid IN ('users'::regclass, 'memberships'::regclass)"));
            await first.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "UPDATE pg_class SET reltuples = {0} WHERE oid = 'sessions'::regclass", AnalyzedBefore));
            Assert.Equal(["memberships", "users"], await NeverAnalyzedAsync());

            var second = ApiFactory.On(first.Database);
            try
            {
                await second.InitializeAsync();
                Assert.Empty(await NeverAnalyzedAsync());
                Assert.Equal(AnalyzedBefore, await first.WithDbAsync(db => db.Database.SqlQueryRaw<float>(
                    "SELECT reltuples AS \"Value\" FROM pg_class WHERE oid = 'sessions'::regclass").SingleAsync()));
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    /// <summary>A count of rows no analysis of the empty sessions table would leave in the catalog.</summary>
    private const float AnalyzedBefore = 12345;

    /// <summary>The ordinary tables of the connection's schema, by name.</summary>
    private const string SchemaTables =
        "SELECT c.relname AS \"Value\" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'";

    /// <summary>Those PostgreSQL has never analyzed or vacuumed.</summary>
    private const string NeverAnalyzedTables = SchemaTables + " AND c.reltuples < 0";
}
