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

            // Every stored prompt's digest, computed as SessionPrompt.DigestOf computes it (ADR 0074).
            migrationBuilder.Sql(
                """
                UPDATE sessions AS s SET system_prompt_digest = encode(sha256(convert_to(p.system_prompt, 'UTF8')), 'hex')
                FROM session_prompts AS p WHERE p.session_id = s.id;
                """);

            // A prompt row written by any writer sets its session's digest: the service sets it itself
            // (the update finds nothing to do), an instance from before the digest or SQL by hand does not.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION sessions_digest_prompt() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    prompt_digest text := encode(sha256(convert_to(NEW.system_prompt, 'UTF8')), 'hex');
                BEGIN
                    UPDATE sessions SET system_prompt_digest = prompt_digest WHERE id = NEW.session_id AND system_prompt_digest IS DISTINCT FROM prompt_digest;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER session_prompts_digest AFTER INSERT OR UPDATE OF session_id, system_prompt ON session_prompts
                    FOR EACH ROW EXECUTE FUNCTION sessions_digest_prompt();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER session_prompts_digest ON session_prompts; DROP FUNCTION sessions_digest_prompt();");

            migrationBuilder.DropColumn(
                name: "system_prompt_digest",
                table: "sessions");
        }
    }
}
