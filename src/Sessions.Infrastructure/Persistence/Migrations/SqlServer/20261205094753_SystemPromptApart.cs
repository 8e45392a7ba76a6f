using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SystemPromptApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_prompts",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    system_prompt = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_prompts", x => x.session_id);
                    table.ForeignKey(
                        name: "fk_session_prompts_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Every stored prompt moves to a row of its own.
            migrationBuilder.Sql("INSERT INTO session_prompts (session_id, system_prompt) SELECT id, system_prompt FROM sessions WHERE system_prompt IS NOT NULL;");

            migrationBuilder.DropColumn(
                name: "system_prompt",
                table: "sessions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "system_prompt",
                table: "sessions",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.Sql("UPDATE sessions SET system_prompt = (SELECT p.system_prompt FROM session_prompts p WHERE p.session_id = sessions.id);");

            migrationBuilder.DropTable(
                name: "session_prompts");
        }
    }
}
