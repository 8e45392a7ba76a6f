using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SystemPromptDigest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "system_prompt_digest",
                table: "sessions",
                type: "TEXT",
                unicode: false,
                maxLength: 64,
                nullable: true);

            // Prompts stored before sessions kept digests: stored, their digests not known until an
            // append that sends a prompt reads the stored one once (ADR 0074).
            migrationBuilder.Sql("UPDATE sessions SET system_prompt_digest = 'unknown' WHERE id IN (SELECT session_id FROM session_prompts);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite's own DROP COLUMN: EF Core's operation rebuilds the table, and dropping the old
            // table would drop the search index's triggers on it.
            migrationBuilder.Sql("ALTER TABLE sessions DROP COLUMN system_prompt_digest;");
        }
    }
}
