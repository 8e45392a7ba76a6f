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
                    SELECT bit_or(1::bigint << (get_byte(sha256(convert_to(l.key || ':' || rtrim(l.value, ' '), 'UTF8')), 0) & 63))
                    FROM session_labels AS l WHERE l.session_id = s.id), 0);
                """);

            // A label row written by any writer sets its bit in its session's word: the service sets
            // it itself (the update finds nothing to do), an instance from before the word or SQL by
            // hand does not.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION sessions_fold_label() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    label_bit bigint := 1::bigint << (get_byte(sha256(convert_to(NEW.key || ':' || rtrim(NEW.value, ' '), 'UTF8')), 0) & 63);
                BEGIN
                    UPDATE sessions SET label_bits = label_bits | label_bit WHERE id = NEW.session_id AND label_bits & label_bit = 0;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER session_labels_fold AFTER INSERT OR UPDATE OF session_id, key, value ON session_labels
                    FOR EACH ROW EXECUTE FUNCTION sessions_fold_label();
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
            migrationBuilder.Sql("DROP TRIGGER session_labels_fold ON session_labels; DROP FUNCTION sessions_fold_label();");

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
