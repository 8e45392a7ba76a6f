using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UsageDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_usage_days",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    day = table.Column<DateTime>(type: "datetime2", nullable: false),
                    message_count = table.Column<long>(type: "bigint", nullable: false),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cache_read_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cache_creation_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    tool_call_count = table.Column<long>(type: "bigint", nullable: false),
                    cost_usd = table.Column<decimal>(type: "decimal(20,10)", precision: 20, scale: 10, nullable: false),
                    uncosted_usage_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_usage_days", x => new { x.session_id, x.day });
                    table.ForeignKey(
                        name: "fk_session_usage_days_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The days of the messages stored before this migration.
            migrationBuilder.Sql("""
                INSERT INTO session_usage_days (session_id, day, message_count, input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, tool_call_count, cost_usd, uncosted_usage_count)
                SELECT session_id, CAST(CAST(created_at AS date) AS datetime2), COUNT_BIG(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                       COALESCE(SUM(cache_read_input_tokens), 0), COALESCE(SUM(cache_creation_input_tokens), 0), SUM(CAST(tool_call_count AS bigint)),
                       COALESCE(SUM(cost_usd), 0), SUM(CASE WHEN input_tokens IS NOT NULL AND cost_usd IS NULL THEN 1 ELSE 0 END)
                FROM session_messages GROUP BY session_id, CAST(created_at AS date);
                """);

            migrationBuilder.CreateIndex(
                name: "ix_session_messages_session_id_created_at",
                table: "session_messages",
                columns: new[] { "session_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_usage_days");

            migrationBuilder.DropIndex(
                name: "ix_session_messages_session_id_created_at",
                table: "session_messages");
        }
    }
}
