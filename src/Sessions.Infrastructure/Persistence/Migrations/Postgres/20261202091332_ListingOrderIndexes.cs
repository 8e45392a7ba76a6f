using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListingOrderIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_created_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "created_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "archived_at", "origin", "user_id", "visibility", "label_bits" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_message_count_id",
                table: "sessions",
                columns: new[] { "workspace_id", "message_count", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "archived_at", "origin", "user_id", "visibility", "label_bits" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_created_at_id",
                table: "sessions");

            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_message_count_id",
                table: "sessions");
        }
    }
}
