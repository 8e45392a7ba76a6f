using Npgsql;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// On PostgreSQL every change of a session leaves a dead entry in each index of the sessions table
/// beside the newest sessions, where the first list page reads; a vacuum of the table removes
/// them every time (ADR 0089).
/// </summary>
public sealed class SessionsVacuumTests
{
    /// <summary>
    /// One session changed fifty times in a workspace of ten thousand: its dead versions lie on a
    /// page or two of about five hundred, under the share of pages (2%) below which PostgreSQL's
    /// vacuum leaves the indexes alone by default. The sessions table's vacuum removes its dead
    /// index entries all the same. Autovacuum is off for the table here, so that the test's own
    /// vacuum is the one that finds them.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task AVacuumOfTheSessions_RemovesTheirDeadIndexEntries_ThoughTheyLieOnFewPages()
    {
        await using var host = new ApiFactory();
        await host.InitializeAsync();
        using var client = host.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(host);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();

        await using var connection = (NpgsqlConnection)await host.Database.OpenOutsideThePoolAsync();
        await ExecuteAsync("ALTER TABLE sessions SET (autovacuum_enabled = false)");

        // Ten thousand copies of the session under new ids (its columns but the generated one),
        // vacuumed; then the session changed fifty times.
        await ExecuteAsync($"""
            DO $$
            DECLARE copied text;
            BEGIN
                SELECT string_agg(quote_ident(column_name), ', ') INTO copied FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'sessions' AND is_generated = 'NEVER' AND column_name <> 'id';
                EXECUTE format('INSERT INTO sessions (id, %s) SELECT gen_random_uuid(), %s FROM sessions CROSS JOIN generate_series(1, 10000) WHERE id = %L', copied, copied, '{session}');
            END $$
            """);
        await ExecuteAsync("VACUUM sessions");
        await ExecuteAsync($"DO $$ BEGIN FOR i IN 1..50 LOOP UPDATE sessions SET updated_at = updated_at + interval '1 millisecond' WHERE id = '{session}'; END LOOP; END $$");

        var notices = new List<string>();
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        await ExecuteAsync("VACUUM (VERBOSE) sessions");

        var table = Assert.Single(notices, notice => notice.Contains("finished vacuuming", StringComparison.Ordinal) && notice.Contains(".sessions\": index scans", StringComparison.Ordinal));
        Assert.Contains("had 50 dead item identifiers removed", table, StringComparison.Ordinal);
        Assert.DoesNotContain("index scan bypassed", table, StringComparison.Ordinal);

        async Task ExecuteAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
