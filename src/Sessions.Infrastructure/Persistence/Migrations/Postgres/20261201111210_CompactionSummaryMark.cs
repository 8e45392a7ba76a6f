using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CompactionSummaryMark : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "summary_up_to_seq",
                table: "session_messages",
                type: "bigint",
                nullable: true);

            // The summaries compactions appended before the mark was kept, from the events they
            // raised: a TranscriptCompacted event names its summary's seq, and the summary was
            // written at the event's instant (which tells a later life of the session id apart).
            migrationBuilder.Sql(
                """
                UPDATE session_messages AS m SET summary_up_to_seq = (o.payload::jsonb ->> 'up_to_seq')::bigint
                FROM outbox_messages AS o
                WHERE o.type = 'TranscriptCompacted'
                  AND o.aggregate_id = m.session_id
                  AND (o.payload::jsonb ->> 'summary_seq')::bigint = m.seq
                  AND o.occurred_at = m.created_at;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "summary_up_to_seq",
                table: "session_messages");
        }
    }
}
