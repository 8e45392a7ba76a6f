using System.Data.Common;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// On PostgreSQL a start analyzes each table of the service that PostgreSQL has never analyzed,
/// which it would plan as ten pages whatever the table holds (ADR 0079).
/// </summary>
public sealed class TableStatisticsTests
{
    /// <summary>
    /// On a new database every table has statistics once the service has started (the migrations
    /// create them without); a table whose statistics are gone, as a table is after a restore or
    /// when a migration creates it, has them again after the next start.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task AStart_AnalyzesEveryTablePostgresHasNeverAnalyzed()
    {
        var first = new ApiFactory();
        try
        {
            await first.InitializeAsync();
            await using var connection = await first.Database.OpenOutsideThePoolAsync();

            var (tables, neverAnalyzed) = await TablesAsync(connection);
            Assert.Contains("sessions", tables);
            Assert.Contains("users", tables);
            Assert.Empty(neverAnalyzed);

            await ExecuteAsync(connection, "UPDATE pg_class SET reltuples = -1 WHERE oid IN ('users'::regclass, 'memberships'::regclass)");
            Assert.Equal(["memberships", "users"], (await TablesAsync(connection)).NeverAnalyzed);

            var second = ApiFactory.On(first.Database);
            try
            {
                await second.InitializeAsync();
                Assert.Empty((await TablesAsync(connection)).NeverAnalyzed);
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

    /// <summary>The ordinary tables of the connection's schema, and those PostgreSQL has never analyzed or vacuumed, by name.</summary>
    private static async Task<(List<string> Tables, List<string> NeverAnalyzed)> TablesAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT relname, reltuples < 0 FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY relname";
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
