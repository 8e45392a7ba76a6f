using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
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
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions",
                columns: new[] { "group_id", "updated_at", "id" },
                filter: "group_id IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "workspace_id", "archived_at", "origin", "user_id", "visibility", "label_bits" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_group_id_updated_at_id",
                table: "sessions",
                columns: new[] { "group_id", "updated_at", "id" },
                filter: "group_id IS NOT NULL");
        }
    }
}
