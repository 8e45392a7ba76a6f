using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FoldedLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions");

            migrationBuilder.AddColumn<long>(
                name: "label_bits",
                table: "sessions",
                type: "bigint",
                nullable: false,
                defaultValue: -1L);

            // Every session's word, computed as LabelBits.Of computes it; sessions without labels get none.
            migrationBuilder.Sql(
                """
                UPDATE sessions AS s SET label_bits = COALESCE((
                    SELECT bit_or(1::bigint << (get_byte(sha256(convert_to(l.key || ':' || l.value, 'UTF8')), 0) & 63))
                    FROM session_labels AS l WHERE l.session_id = s.id), 0);
                """);

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "archived_at", "origin", "user_id", "visibility", "label_bits" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "label_bits",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "archived_at", "origin", "user_id", "visibility" });
        }
    }
}
