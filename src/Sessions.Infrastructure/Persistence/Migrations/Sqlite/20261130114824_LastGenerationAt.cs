using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LastGenerationAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "last_generation_at",
                table: "sessions",
                type: "TEXT",
                nullable: true);

            // The time of each session's newest message that carries usage: the message its
            // last_generation_input_tokens came from.
            migrationBuilder.Sql(
                """
                UPDATE sessions SET last_generation_at = (
                    SELECT m.created_at FROM session_messages AS m
                    WHERE m.session_id = sessions.id AND m.input_tokens IS NOT NULL
                    ORDER BY m.seq DESC LIMIT 1)
                WHERE last_generation_input_tokens IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "last_generation_at",
                table: "sessions");
        }
    }
}
