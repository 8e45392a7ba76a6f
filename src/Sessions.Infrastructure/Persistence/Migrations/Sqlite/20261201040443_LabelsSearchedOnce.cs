using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LabelsSearchedOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A label is searched by one text, key:value: any text within its value is within
            // key:value too, so the value's own row matched only what that row matches, at twice
            // the trigram index's work on every label written or removed (ADR 0046).
            migrationBuilder.Sql("""
                DROP TRIGGER session_labels_search_ai;
                CREATE TRIGGER session_labels_search_ai AFTER INSERT ON session_labels BEGIN
                    INSERT INTO session_search_rows (session_id, label_id, kind, text)
                    VALUES (new.session_id, new.id, 'k', new.key || ':' || new.value);
                END;
                DELETE FROM session_search_rows WHERE kind = 'v';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER session_labels_search_ai;
                CREATE TRIGGER session_labels_search_ai AFTER INSERT ON session_labels BEGIN
                    INSERT INTO session_search_rows (session_id, label_id, kind, text)
                    VALUES (new.session_id, new.id, 'v', new.value), (new.session_id, new.id, 'k', new.key || ':' || new.value);
                END;
                INSERT INTO session_search_rows (session_id, label_id, kind, text) SELECT session_id, id, 'v', value FROM session_labels;
                """);
        }
    }
}
