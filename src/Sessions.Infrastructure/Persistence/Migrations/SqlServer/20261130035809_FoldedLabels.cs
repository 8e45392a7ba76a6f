using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
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

            // Labelled sessions keep every bit (LabelBits.Unknown: each listing by label probes them,
            // as before) until their next change folds their labels; this database has no SHA-256
            // in SQL to fold them here. Sessions without labels get none.
            // Through EXEC: SQL Server compiles a script's batch before running it, and a statement
            // naming a column this migration adds would not compile (the idempotent script).
            migrationBuilder.Sql("EXEC(N'UPDATE sessions SET label_bits = 0 WHERE NOT EXISTS (SELECT 1 FROM session_labels WHERE session_labels.session_id = sessions.id);');");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" })
                .Annotation("SqlServer:Include", new[] { "archived_at", "origin", "user_id", "visibility", "label_bits" });
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
                .Annotation("SqlServer:Include", new[] { "archived_at", "origin", "user_id", "visibility" });
        }
    }
}
