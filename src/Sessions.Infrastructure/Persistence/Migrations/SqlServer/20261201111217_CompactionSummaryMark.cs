using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
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
                EXEC(N'UPDATE m SET summary_up_to_seq = CAST(JSON_VALUE(o.payload, ''$.up_to_seq'') AS bigint)
                FROM session_messages AS m
                JOIN outbox_messages AS o
                  ON o.type = N''TranscriptCompacted''
                  AND o.aggregate_id = m.session_id
                  AND CAST(JSON_VALUE(o.payload, ''$.summary_seq'') AS bigint) = m.seq
                  AND o.occurred_at = m.created_at');
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
