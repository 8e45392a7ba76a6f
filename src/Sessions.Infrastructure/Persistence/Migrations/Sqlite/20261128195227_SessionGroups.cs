using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SessionGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_groups",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    workspace_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    capability = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    capability_version = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    worker = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    evaluation_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    evaluation_item_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    evaluation_item_attempt_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    runtime_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    metadata = table.Column<string>(type: "TEXT", nullable: true),
                    created_by = table.Column<Guid>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_groups", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions",
                columns: new[] { "group_id", "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_session_groups_workspace_id_created_at_id",
                table: "session_groups",
                columns: new[] { "workspace_id", "created_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_groups");

            migrationBuilder.DropIndex(
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions");
        }
    }
}
