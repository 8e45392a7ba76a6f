using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListingWalkIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id_archived_at_origin_user_id_visibility",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id", "archived_at", "origin", "user_id", "visibility" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_updated_at_id_archived_at_origin_user_id_visibility",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" });
        }
    }
}
