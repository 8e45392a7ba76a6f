using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LabelMapOnTheRow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "labels",
                table: "sessions",
                type: "text",
                nullable: false,
                defaultValueSql: "'{}'");

            // A label row written by any writer leaves its session's map as its rows say, once the
            // transaction has written them all: the service writes the map with the rows (the
            // update finds nothing to do); an instance from before the map, or SQL by hand, does not.
            // A row moved to another session leaves both maps as their rows say. Maps are compared
            // as jsonb, whose objects ignore their keys' order, and by their keys' order as text.
            // Created before the maps are filled, so that no row written meanwhile is missed.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION sessions_map_labels() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    labelled uuid;
                    map text;
                BEGIN
                    FOR labelled IN
                        SELECT DISTINCT changed FROM unnest(CASE TG_OP
                            WHEN 'INSERT' THEN ARRAY[NEW.session_id]
                            WHEN 'DELETE' THEN ARRAY[OLD.session_id]
                            ELSE ARRAY[OLD.session_id, NEW.session_id] END) AS changed
                    LOOP
                        map := COALESCE((
                            SELECT json_object_agg(key, vals ORDER BY first_position)::text
                            FROM (SELECT key, json_agg(value ORDER BY position) AS vals, min(position) AS first_position
                                  FROM session_labels WHERE session_id = labelled GROUP BY key) AS k), '{}');
                        UPDATE sessions SET labels = map
                        WHERE id = labelled
                          AND (labels::jsonb <> map::jsonb
                               OR ARRAY(SELECT json_object_keys(labels::json)) <> ARRAY(SELECT json_object_keys(map::json)));
                    END LOOP;
                    RETURN NULL;
                END
                $$;
                CREATE CONSTRAINT TRIGGER session_labels_map AFTER INSERT OR DELETE OR UPDATE OF session_id, key, value, position ON session_labels
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sessions_map_labels();
                """);

            // Every labelled session's map from its rows, as LabelMapColumn reads it: keys in the
            // order of their first value, each key's values in theirs.
            migrationBuilder.Sql(
                """
                UPDATE sessions AS s SET labels = m.map
                FROM (SELECT session_id, json_object_agg(key, vals ORDER BY first_position)::text AS map
                      FROM (SELECT session_id, key, json_agg(value ORDER BY position) AS vals, min(position) AS first_position
                            FROM session_labels GROUP BY session_id, key) AS k
                      GROUP BY session_id) AS m
                WHERE s.id = m.session_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER session_labels_map ON session_labels; DROP FUNCTION sessions_map_labels();");

            migrationBuilder.DropColumn(
                name: "labels",
                table: "sessions");
        }
    }
}
