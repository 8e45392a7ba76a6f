using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UsageByWorkspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "workspace_id",
                table: "session_usage_days",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // The rows written before this migration take their session's workspace.
            // Through EXEC: SQL Server compiles a script's batch before running it, and a statement
            // naming a column this migration adds would not compile (the idempotent script).
            migrationBuilder.Sql("EXEC(N'UPDATE session_usage_days SET workspace_id = (SELECT s.workspace_id FROM sessions s WHERE s.id = session_usage_days.session_id);');");

            // Usage by session attributes reads this index alone (see SessionConfiguration).
            migrationBuilder.Sql("CREATE INDEX ix_sessions_usage ON sessions (workspace_id, archived_at, origin) INCLUDE (visibility, user_id, model, agent, total_usage_message_count, total_usage_input_tokens, total_usage_output_tokens, total_usage_cache_read_input_tokens, total_usage_cache_creation_input_tokens, total_usage_tool_call_count, total_usage_cost_usd, total_usage_uncosted_usage_count);");

            migrationBuilder.CreateIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days",
                columns: new[] { "workspace_id", "day" })
                .Annotation("SqlServer:Include", new[] { "session_id", "message_count", "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "tool_call_count", "cost_usd", "uncosted_usage_count" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_sessions_usage ON sessions;");

            migrationBuilder.DropIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "workspace_id",
                table: "session_usage_days");
        }
    }
}
