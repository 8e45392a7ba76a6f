using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
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
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    project_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    title = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    capability = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    capability_version = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    worker = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    evaluation_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    evaluation_item_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    evaluation_item_attempt_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    runtime_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    metadata = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    created_by = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    completed_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false)
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
