using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CoveringGroupIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_group_id_updated_at_id_workspace_id_archived_at_origin_user_id_visibility_label_bits",
                table: "sessions",
                columns: new[] { "group_id", "updated_at", "id", "workspace_id", "archived_at", "origin", "user_id", "visibility", "label_bits" },
                filter: "group_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_group_id_updated_at_id_workspace_id_archived_at_origin_user_id_visibility_label_bits",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions",
                columns: new[] { "group_id", "updated_at", "id" },
                filter: "group_id IS NOT NULL");
        }
    }
}
