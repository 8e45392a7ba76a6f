using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SessionsIndexesVacuumed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every change of a session writes a new entry in each of its indexes (updated_at is in
            // them, so no update is HOT) and leaves the old one dead beside the newest sessions,
            // where the first list page reads: each page read walks every dead entry there until
            // a vacuum removes them (ADR 0089). Vacuumed once a hundredth of the table is dead
            // (besides PostgreSQL's 50 rows) instead of a fifth, and with its indexes every time,
            // which PostgreSQL otherwise skips when the dead rows lie on few pages, as a few busy
            // sessions' versions do.
            migrationBuilder.Sql("ALTER TABLE sessions SET (autovacuum_vacuum_scale_factor = 0.01, vacuum_index_cleanup = on);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE sessions RESET (autovacuum_vacuum_scale_factor, vacuum_index_cleanup);");
        }
    }
}
