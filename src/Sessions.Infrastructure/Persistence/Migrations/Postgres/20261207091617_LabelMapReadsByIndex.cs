using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LabelMapReadsByIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The label-map trigger reads one session's label rows and writes one session's row,
            // each by its key. plpgsql keeps the plan each connection makes on the trigger's first
            // runs; made while session_labels was a page or two, that plan was a sequential scan,
            // which then read the whole table for every label row written until autovacuum
            // analyzed it (ADR 0088). Off for the function's own statements only.
            migrationBuilder.Sql("ALTER FUNCTION sessions_map_labels() SET enable_seqscan = off;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER FUNCTION sessions_map_labels() RESET enable_seqscan;");
        }
    }
}
