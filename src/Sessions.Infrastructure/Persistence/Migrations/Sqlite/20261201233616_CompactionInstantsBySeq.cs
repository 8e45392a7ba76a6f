using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompactionInstantsBySeq : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_messages_session_id_created_at",
                table: "session_messages");

            migrationBuilder.CreateIndex(
                name: "ix_session_messages_session_id_created_at_seq",
                table: "session_messages",
                columns: new[] { "session_id", "created_at", "seq" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_messages_session_id_created_at_seq",
                table: "session_messages");

            migrationBuilder.CreateIndex(
                name: "ix_session_messages_session_id_created_at",
                table: "session_messages",
                columns: new[] { "session_id", "created_at" });
        }
    }
}
