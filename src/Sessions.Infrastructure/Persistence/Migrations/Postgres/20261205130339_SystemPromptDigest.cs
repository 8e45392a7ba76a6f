using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
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
                type: "character varying(64)",
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
            migrationBuilder.DropColumn(
                name: "system_prompt_digest",
                table: "sessions");
        }
    }
}
