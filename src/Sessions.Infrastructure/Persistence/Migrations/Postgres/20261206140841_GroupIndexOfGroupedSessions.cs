using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GroupIndexOfGroupedSessions : Migration
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
                filter: "group_id IS NOT NULL");
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
                columns: new[] { "group_id", "updated_at", "id" });
        }
    }
}
