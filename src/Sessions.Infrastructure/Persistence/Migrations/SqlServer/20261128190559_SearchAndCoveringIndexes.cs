using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SearchAndCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions",
                columns: new[] { "workspace_id", "archived_at", "visibility", "origin", "user_id" })
                .Annotation("SqlServer:Include", new[] { "id", "agent", "model", "updated_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions",
                columns: new[] { "workspace_id", "archived_at", "visibility", "origin", "user_id" });
        }
    }
}
