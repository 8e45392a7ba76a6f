using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CountParts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_session_counts",
                table: "session_counts");

            migrationBuilder.AddColumn<int>(
                name: "part",
                table: "session_counts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "pk_session_counts",
                table: "session_counts",
                columns: new[] { "workspace_id", "dimension", "key", "value", "owner_id", "shared", "archived", "origin", "part" });

            // Every count split by its sessions' parts (CountParts.Of: the id's last byte modulo 8),
            // counted again from the sessions and their labels as the service counts them.
            migrationBuilder.Sql(@"DELETE FROM session_counts;
INSERT INTO session_counts (workspace_id, dimension, key, value, owner_id, shared, archived, origin, part, count)
SELECT s.workspace_id, f.dimension, f.key, f.value, s.user_id, CASE WHEN s.visibility = 'Workspace' THEN 1 ELSE 0 END,
    CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END, s.origin, get_byte(uuid_send(s.id), 15) % 8, COUNT(*)
FROM sessions AS s
CROSS JOIN LATERAL (
    VALUES ('origin', '', s.origin), ('user', '', s.user_id::text), ('model', '', s.model), ('agent', '', s.agent)
    UNION ALL SELECT DISTINCT 'label', l.key, l.value FROM session_labels AS l WHERE l.session_id = s.id
) AS f (dimension, key, value)
WHERE f.value IS NOT NULL
GROUP BY s.workspace_id, f.dimension, f.key, f.value, s.user_id, s.visibility, s.archived_at IS NULL, s.origin, get_byte(uuid_send(s.id), 15) % 8;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The rows of one count's parts would share the key without its part: the counts are
            // counted again once the key is the old one.
            migrationBuilder.Sql("DELETE FROM session_counts;");

            migrationBuilder.DropPrimaryKey(
                name: "pk_session_counts",
                table: "session_counts");

            migrationBuilder.DropColumn(
                name: "part",
                table: "session_counts");

            migrationBuilder.AddPrimaryKey(
                name: "pk_session_counts",
                table: "session_counts",
                columns: new[] { "workspace_id", "owner_id", "shared", "archived", "origin", "dimension", "key", "value" });

            migrationBuilder.Sql(@"INSERT INTO session_counts (workspace_id, owner_id, shared, archived, origin, dimension, key, value, count)
SELECT s.workspace_id, s.user_id, CASE WHEN s.visibility = 'Workspace' THEN 1 ELSE 0 END, CASE WHEN s.archived_at IS NULL THEN 0 ELSE 1 END,
    s.origin, f.dimension, f.key, f.value, COUNT(*)
FROM sessions AS s
CROSS JOIN LATERAL (
    VALUES ('origin', '', s.origin), ('user', '', s.user_id::text), ('model', '', s.model), ('agent', '', s.agent)
    UNION ALL SELECT DISTINCT 'label', l.key, l.value FROM session_labels AS l WHERE l.session_id = s.id
) AS f (dimension, key, value)
WHERE f.value IS NOT NULL
GROUP BY s.workspace_id, s.user_id, s.visibility, s.archived_at IS NULL, s.origin, f.dimension, f.key, f.value;");
        }
    }
}
