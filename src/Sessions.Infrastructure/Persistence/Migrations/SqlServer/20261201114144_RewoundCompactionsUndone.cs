using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RewoundCompactionsUndone : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rewinds before the one that undoes the compactions whose summaries it removes (ADR 0042)
            // deleted a summary and left the messages it stood for compacted, out of the current era
            // for good. A compacted message is of a compaction whose summary is a later message
            // written at the instant it was compacted at; one with no such message is such a leftover.
            // Its session's current usage is summed again over the messages that are current once
            // the leftovers are (its version moves, so an ETag read before names it no longer), then
            // the leftovers are current again.
            migrationBuilder.Sql(
                """
                EXEC(N'UPDATE t SET
                    current_usage_message_count = c.message_count,
                    current_usage_input_tokens = c.input_tokens,
                    current_usage_output_tokens = c.output_tokens,
                    current_usage_cache_read_input_tokens = c.cache_read_input_tokens,
                    current_usage_cache_creation_input_tokens = c.cache_creation_input_tokens,
                    current_usage_tool_call_count = c.tool_call_count,
                    current_usage_cost_usd = c.cost_usd,
                    current_usage_uncosted_usage_count = c.uncosted_usage_count,
                    version = t.version + 1
                FROM sessions AS t
                JOIN (SELECT m.session_id,
                       COUNT_BIG(*) AS message_count,
                       COALESCE(SUM(m.input_tokens), 0) AS input_tokens,
                       COALESCE(SUM(m.output_tokens), 0) AS output_tokens,
                       COALESCE(SUM(m.cache_read_input_tokens), 0) AS cache_read_input_tokens,
                       COALESCE(SUM(m.cache_creation_input_tokens), 0) AS cache_creation_input_tokens,
                       COALESCE(SUM(CAST(m.tool_call_count AS bigint)), 0) AS tool_call_count,
                       COALESCE(SUM(m.cost_usd), 0) AS cost_usd,
                       SUM(CAST(CASE WHEN m.input_tokens IS NOT NULL AND m.cost_usd IS NULL THEN 1 ELSE 0 END AS bigint)) AS uncosted_usage_count
                FROM session_messages AS m
                WHERE m.session_id IN (SELECT o.session_id FROM session_messages AS o WHERE o.compacted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_messages AS x WHERE x.session_id = o.session_id AND x.seq > o.seq AND x.created_at = o.compacted_at))
                  AND (m.compacted_at IS NULL OR m.compacted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_messages AS x WHERE x.session_id = m.session_id AND x.seq > m.seq AND x.created_at = m.compacted_at))
                GROUP BY m.session_id) AS c ON t.id = c.session_id');
                """);
            migrationBuilder.Sql("EXEC(N'UPDATE session_messages SET compacted_at = NULL WHERE session_messages.compacted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM session_messages AS x WHERE x.session_id = session_messages.session_id AND x.seq > session_messages.seq AND x.created_at = session_messages.compacted_at);');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The repaired rows are what every later version writes: nothing to take back.
        }
    }
}
