using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LastMessageOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_last_message_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "last_message_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "archived_at", "origin", "user_id", "visibility", "label_bits" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_last_message_at_id",
                table: "sessions");
        }
    }
}
