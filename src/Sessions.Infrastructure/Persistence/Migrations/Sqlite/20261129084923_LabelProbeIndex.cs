using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LabelProbeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_labels_session_id_position",
                table: "session_labels");

            migrationBuilder.CreateIndex(
                name: "ix_session_labels_session_id_key_value",
                table: "session_labels",
                columns: new[] { "session_id", "key", "value" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_labels_session_id_key_value",
                table: "session_labels");

            migrationBuilder.CreateIndex(
                name: "ix_session_labels_session_id_position",
                table: "session_labels",
                columns: new[] { "session_id", "position" });
        }
    }
}
