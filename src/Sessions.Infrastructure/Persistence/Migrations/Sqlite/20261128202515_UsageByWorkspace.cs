using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
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
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // The rows written before this migration take their session's workspace.
            migrationBuilder.Sql("UPDATE session_usage_days SET workspace_id = (SELECT s.workspace_id FROM sessions s WHERE s.id = session_usage_days.session_id);");

            migrationBuilder.CreateIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days",
                columns: new[] { "workspace_id", "day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_usage_days_workspace_id_day",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "workspace_id",
                table: "session_usage_days");
        }
    }
}
