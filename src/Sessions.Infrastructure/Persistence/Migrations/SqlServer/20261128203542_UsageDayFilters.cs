using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UsageDayFilters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days");

            migrationBuilder.AddColumn<bool>(
                name: "archived",
                table: "session_usage_days",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "origin",
                table: "session_usage_days",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "shared",
                table: "session_usage_days",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "user_id",
                table: "session_usage_days",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // The rows written before this migration take their session's owner, sharing, archiving and origin.
            // Through EXEC: SQL Server compiles a script's batch before running it, and a statement
            // naming a column this migration adds would not compile (the idempotent script).
            migrationBuilder.Sql("EXEC(N'UPDATE d SET user_id = s.user_id, shared = CASE WHEN s.visibility = ''Workspace'' THEN 1 ELSE 0 END, archived = CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END, origin = s.origin FROM session_usage_days d JOIN sessions s ON s.id = d.session_id;');");

            migrationBuilder.CreateIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days",
                columns: new[] { "workspace_id", "day" })
                .Annotation("SqlServer:Include", new[] { "session_id", "user_id", "shared", "archived", "origin", "message_count", "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "tool_call_count", "cost_usd", "uncosted_usage_count" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "archived",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "origin",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "shared",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "session_usage_days");

            migrationBuilder.CreateIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days",
                columns: new[] { "workspace_id", "day" })
                .Annotation("SqlServer:Include", new[] { "session_id", "message_count", "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "tool_call_count", "cost_usd", "uncosted_usage_count" });
        }
    }
}
