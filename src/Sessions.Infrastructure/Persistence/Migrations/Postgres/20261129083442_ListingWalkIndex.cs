using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
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
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "archived_at", "origin", "user_id", "visibility" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" });
        }
    }
}
