using System.Data.Common;
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
            await using var connection = await first.Database.OpenOutsideThePoolAsync();

            var (tables, neverAnalyzed) = await TablesAsync(connection);
            Assert.Subset(tables.ToHashSet(), modelTables.ToHashSet());
            Assert.Contains("users", modelTables);
            Assert.Empty(neverAnalyzed.Intersect(modelTables));

            await ExecuteAsync(connection, "UPDATE pg_class SET reltuples = -1 WHERE oid IN ('users'::regclass, 'memberships'::regclass)");
            await ExecuteAsync(connection, $"UPDATE pg_class SET reltuples = {AnalyzedBefore} WHERE oid = 'sessions'::regclass");
            Assert.Equal(["memberships", "users"], (await TablesAsync(connection)).NeverAnalyzed.Intersect(modelTables));

            var second = ApiFactory.On(first.Database);
            try
            {
                await second.InitializeAsync();
                Assert.Empty((await TablesAsync(connection)).NeverAnalyzed.Intersect(modelTables));
                Assert.Equal(AnalyzedBefore, await SessionsRowCountAsync(connection));
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
    private const int AnalyzedBefore = 12345;

    private static async Task<float> SessionsRowCountAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT reltuples FROM pg_class WHERE oid = 'sessions'::regclass";
        return (float)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The ordinary tables of the connection's schema, and those PostgreSQL has never analyzed or vacuumed, by name.</summary>
    private static async Task<(List<string> Tables, List<string> NeverAnalyzed)> TablesAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT c.relname, c.reltuples < 0 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname";
        await using var reader = await command.ExecuteReaderAsync();
        List<string> tables = [], neverAnalyzed = [];
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
            if (reader.GetBoolean(1))
            {
                neverAnalyzed.Add(reader.GetString(0));
            }
        }

        return (tables, neverAnalyzed);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
