using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SqliteSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Substring search (list filter `search`) on SQLite: every searchable text of a session
            // (title, model, agent, each label value and key:value) is a row of session_search_rows,
            // kept by triggers on sessions and session_labels, and indexed by an FTS5 trigram index,
            // which answers LIKE '%text%' without reading every session.
            migrationBuilder.Sql("""
                CREATE TABLE session_search_rows (
                    id INTEGER PRIMARY KEY,
                    session_id TEXT NOT NULL,
                    label_id INTEGER NULL,
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL);
                CREATE INDEX ix_session_search_rows_session_id ON session_search_rows (session_id, kind);
                CREATE INDEX ix_session_search_rows_label_id ON session_search_rows (label_id);
                CREATE VIRTUAL TABLE session_search USING fts5(text, content = 'session_search_rows', content_rowid = 'id', tokenize = 'trigram');
                CREATE VIEW session_search_view AS
                    SELECT r.session_id AS session_id, f.text AS text FROM session_search AS f JOIN session_search_rows AS r ON r.id = f.rowid;

                CREATE TRIGGER session_search_rows_ai AFTER INSERT ON session_search_rows BEGIN
                    INSERT INTO session_search (rowid, text) VALUES (new.id, new.text);
                END;
                CREATE TRIGGER session_search_rows_ad AFTER DELETE ON session_search_rows BEGIN
                    INSERT INTO session_search (session_search, rowid, text) VALUES ('delete', old.id, old.text);
                END;

                CREATE TRIGGER sessions_search_ai AFTER INSERT ON sessions BEGIN
                    INSERT INTO session_search_rows (session_id, kind, text) SELECT new.id, 't', new.title WHERE new.title IS NOT NULL;
                    INSERT INTO session_search_rows (session_id, kind, text) VALUES (new.id, 'm', new.model);
                    INSERT INTO session_search_rows (session_id, kind, text) SELECT new.id, 'a', new.agent WHERE new.agent IS NOT NULL;
                END;
                CREATE TRIGGER sessions_search_au AFTER UPDATE OF title, model, agent ON sessions BEGIN
                    DELETE FROM session_search_rows WHERE session_id = old.id AND kind IN ('t', 'm', 'a');
                    INSERT INTO session_search_rows (session_id, kind, text) SELECT new.id, 't', new.title WHERE new.title IS NOT NULL;
                    INSERT INTO session_search_rows (session_id, kind, text) VALUES (new.id, 'm', new.model);
                    INSERT INTO session_search_rows (session_id, kind, text) SELECT new.id, 'a', new.agent WHERE new.agent IS NOT NULL;
                END;
                CREATE TRIGGER sessions_search_ad AFTER DELETE ON sessions BEGIN
                    DELETE FROM session_search_rows WHERE session_id = old.id;
                END;
                CREATE TRIGGER session_labels_search_ai AFTER INSERT ON session_labels BEGIN
                    INSERT INTO session_search_rows (session_id, label_id, kind, text)
                    VALUES (new.session_id, new.id, 'v', new.value), (new.session_id, new.id, 'k', new.key || ':' || new.value);
                END;
                CREATE TRIGGER session_labels_search_ad AFTER DELETE ON session_labels BEGIN
                    DELETE FROM session_search_rows WHERE label_id = old.id;
                END;

                INSERT INTO session_search_rows (session_id, kind, text) SELECT id, 't', title FROM sessions WHERE title IS NOT NULL;
                INSERT INTO session_search_rows (session_id, kind, text) SELECT id, 'm', model FROM sessions;
                INSERT INTO session_search_rows (session_id, kind, text) SELECT id, 'a', agent FROM sessions WHERE agent IS NOT NULL;
                INSERT INTO session_search_rows (session_id, label_id, kind, text) SELECT session_id, id, 'v', value FROM session_labels;
                INSERT INTO session_search_rows (session_id, label_id, kind, text) SELECT session_id, id, 'k', key || ':' || value FROM session_labels;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER session_labels_search_ad;
                DROP TRIGGER session_labels_search_ai;
                DROP TRIGGER sessions_search_ad;
                DROP TRIGGER sessions_search_au;
                DROP TRIGGER sessions_search_ai;
                DROP TRIGGER session_search_rows_ad;
                DROP TRIGGER session_search_rows_ai;
                DROP VIEW session_search_view;
                DROP TABLE session_search;
                DROP TABLE session_search_rows;
                """);
        }
    }
}
