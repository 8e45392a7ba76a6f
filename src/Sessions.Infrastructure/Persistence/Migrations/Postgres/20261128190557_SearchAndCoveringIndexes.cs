using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchAndCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions",
                columns: new[] { "workspace_id", "archived_at", "visibility", "origin", "user_id" })
                .Annotation("Npgsql:IndexInclude", new[] { "id", "agent", "model", "updated_at" });

            // Substring search (list filter `search`) answers from trigram indexes on the lowered
            // texts it looks in, instead of reading every session of the workspace.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("CREATE INDEX ix_sessions_title_trgm ON sessions USING gin (lower(title) gin_trgm_ops);");
            migrationBuilder.Sql("CREATE INDEX ix_sessions_model_trgm ON sessions USING gin (lower(model) gin_trgm_ops);");
            migrationBuilder.Sql("CREATE INDEX ix_sessions_agent_trgm ON sessions USING gin (lower(agent) gin_trgm_ops);");
            migrationBuilder.Sql("CREATE INDEX ix_session_labels_value_trgm ON session_labels USING gin (lower(value) gin_trgm_ops);");
            migrationBuilder.Sql("CREATE INDEX ix_session_labels_key_value_trgm ON session_labels USING gin (lower(key || ':' || value) gin_trgm_ops);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_session_labels_key_value_trgm;");
            migrationBuilder.Sql("DROP INDEX ix_session_labels_value_trgm;");
            migrationBuilder.Sql("DROP INDEX ix_sessions_agent_trgm;");
            migrationBuilder.Sql("DROP INDEX ix_sessions_model_trgm;");
            migrationBuilder.Sql("DROP INDEX ix_sessions_title_trgm;");

            migrationBuilder.DropIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions",
                columns: new[] { "workspace_id", "archived_at", "visibility", "origin", "user_id" });
        }
    }
}
