using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            // The summaries compactions appended before the mark was kept, from the events they
            // raised: a TranscriptCompacted event names its summary's seq, and the summary was
            // written at the event's instant (which tells a later life of the session id apart).
            migrationBuilder.Sql(
                """
                UPDATE session_messages SET summary_up_to_seq = json_extract(o.payload, '$.up_to_seq')
                FROM outbox_messages AS o
                WHERE o.type = 'TranscriptCompacted'
                  AND o.aggregate_id = session_messages.session_id
                  AND json_extract(o.payload, '$.summary_seq') = session_messages.seq
                  AND o.occurred_at = session_messages.created_at;
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
