using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class EmptyAgentIsNone : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // An empty agent is no agent (Session.AgentOrNone): the sessions stored with one lose
            // it, and so do the facet counts kept for it (a session without an agent has none).
            // DATALENGTH: SQL Server's = ignores trailing spaces, and an agent of spaces is a name.
            migrationBuilder.Sql("EXEC(N'UPDATE sessions SET agent = NULL WHERE DATALENGTH(agent) = 0');");
            migrationBuilder.Sql("EXEC(N'DELETE FROM session_counts WHERE dimension = ''agent'' AND DATALENGTH(value) = 0');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Which sessions had an empty agent rather than none is not kept: nothing to restore.
        }
    }
}
