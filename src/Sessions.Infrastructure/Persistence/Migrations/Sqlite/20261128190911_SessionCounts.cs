using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SessionCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_counts",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    owner_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    shared = table.Column<int>(type: "INTEGER", nullable: false),
                    archived = table.Column<int>(type: "INTEGER", nullable: false),
                    origin = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    dimension = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_counts", x => new { x.workspace_id, x.owner_id, x.shared, x.archived, x.origin, x.dimension, x.key, x.value });
                });

            // The counts of the sessions that exist already (the service keeps them from now on).
            migrationBuilder.Sql(@"INSERT INTO session_counts (workspace_id, owner_id, shared, archived, origin, dimension, key, value, count)
SELECT workspace_id, owner_id, shared, archived, origin, dimension, key, value, COUNT(*) FROM (
    SELECT workspace_id, user_id AS owner_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END AS shared, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived, origin, 'origin' AS dimension, '' AS key, origin AS value FROM sessions
    UNION ALL SELECT workspace_id, user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, origin, 'user', '', lower(user_id) FROM sessions
    UNION ALL SELECT workspace_id, user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, origin, 'model', '', model FROM sessions
    UNION ALL SELECT workspace_id, user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, origin, 'agent', '', agent FROM sessions WHERE agent IS NOT NULL
    UNION ALL SELECT s.workspace_id, s.user_id, CASE WHEN visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, s.origin, 'label', l.key, l.value FROM session_labels l JOIN sessions s ON s.id = l.session_id
) AS footprint
GROUP BY workspace_id, owner_id, shared, archived, origin, dimension, key, value;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_counts");
        }
    }
}
