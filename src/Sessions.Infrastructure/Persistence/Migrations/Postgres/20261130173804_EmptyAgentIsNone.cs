using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EmptyAgentIsNone : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // An empty agent is no agent (Session.AgentOrNone): the sessions stored with one lose
            // it, and so do the facet counts kept for it (a session without an agent has none).
            migrationBuilder.Sql("UPDATE sessions SET agent = NULL WHERE agent = '';");
            migrationBuilder.Sql("DELETE FROM session_counts WHERE dimension = 'agent' AND value = '';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Which sessions had an empty agent rather than none is not kept: nothing to restore.
        }
    }
}
