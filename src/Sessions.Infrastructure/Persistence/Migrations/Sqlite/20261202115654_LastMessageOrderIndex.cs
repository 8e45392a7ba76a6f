using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LastMessageOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_last_message_at_id_archived_at_origin_user_id_visibility_label_bits",
                table: "sessions",
                columns: new[] { "workspace_id", "last_message_at", "id", "archived_at", "origin", "user_id", "visibility", "label_bits" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_last_message_at_id_archived_at_origin_user_id_visibility_label_bits",
                table: "sessions");
        }
    }
}
