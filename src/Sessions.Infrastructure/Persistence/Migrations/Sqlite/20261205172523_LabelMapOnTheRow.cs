using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LabelMapOnTheRow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "labels",
                table: "sessions",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'{}'");

            // Every labelled session's map from its rows, as LabelMapColumn reads it: keys in the
            // order of their first value, each key's values in theirs.
            migrationBuilder.Sql(
                """
                UPDATE sessions SET labels = (
                    SELECT json_group_object(key, json(vals) ORDER BY first_position)
                    FROM (SELECT key, json_group_array(value ORDER BY position) AS vals, min(position) AS first_position
                          FROM session_labels WHERE session_id = sessions.id GROUP BY key))
                WHERE id IN (SELECT session_id FROM session_labels);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite's own DROP COLUMN: EF Core's rebuilds the table, which drops the search index's triggers on it (ADR 0020).
            migrationBuilder.Sql("ALTER TABLE sessions DROP COLUMN labels;");
        }
    }
}
