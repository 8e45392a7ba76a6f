using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchColumnsApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Search reads a session's title, model and agent from a copy of them that only the
            // writes changing one of them touch, so the trigram indexes are no longer written, and
            // their pending lists no longer grow, on every change of a session's row (ADR 0085).
            migrationBuilder.Sql("""
                CREATE TABLE session_search_columns (
                    session_id uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
                    title text,
                    model text NOT NULL,
                    agent text);
                INSERT INTO session_search_columns (session_id, title, model, agent)
                    SELECT id, title, model, agent FROM sessions;

                CREATE FUNCTION session_search_columns_kept() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO session_search_columns (session_id, title, model, agent)
                        VALUES (NEW.id, NEW.title, NEW.model, NEW.agent)
                        ON CONFLICT (session_id) DO UPDATE SET title = EXCLUDED.title, model = EXCLUDED.model, agent = EXCLUDED.agent;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER sessions_search_columns_inserted AFTER INSERT ON sessions
                    FOR EACH ROW EXECUTE FUNCTION session_search_columns_kept();
                CREATE TRIGGER sessions_search_columns_updated AFTER UPDATE OF title, model, agent ON sessions
                    FOR EACH ROW
                    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.model IS DISTINCT FROM NEW.model OR OLD.agent IS DISTINCT FROM NEW.agent)
                    EXECUTE FUNCTION session_search_columns_kept();

                DROP INDEX ix_sessions_title_trgm;
                DROP INDEX ix_sessions_model_trgm;
                DROP INDEX ix_sessions_agent_trgm;
                CREATE INDEX ix_session_search_columns_title_trgm ON session_search_columns USING gin (lower(title) gin_trgm_ops);
                CREATE INDEX ix_session_search_columns_model_trgm ON session_search_columns USING gin (lower(model) gin_trgm_ops);
                CREATE INDEX ix_session_search_columns_agent_trgm ON session_search_columns USING gin (lower(agent) gin_trgm_ops);
                ANALYZE session_search_columns;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_sessions_title_trgm ON sessions USING gin (lower(title) gin_trgm_ops);
                CREATE INDEX ix_sessions_model_trgm ON sessions USING gin (lower(model) gin_trgm_ops);
                CREATE INDEX ix_sessions_agent_trgm ON sessions USING gin (lower(agent) gin_trgm_ops);
                DROP TRIGGER sessions_search_columns_updated ON sessions;
                DROP TRIGGER sessions_search_columns_inserted ON sessions;
                DROP FUNCTION session_search_columns_kept();
                DROP TABLE session_search_columns;
                """);
        }
    }
}
