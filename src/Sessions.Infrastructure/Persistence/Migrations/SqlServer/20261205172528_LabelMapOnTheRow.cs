using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
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
                type: "nvarchar(max)",
                nullable: false,
                defaultValueSql: "'{}'");

            // Every labelled session's map from its rows, as LabelMapColumn reads it: keys in the
            // order of their first value, each key's values in theirs. Through EXEC: the batch is
            // compiled before the column exists.
            migrationBuilder.Sql(
                """
                EXEC(N'UPDATE s SET labels = m.map
                FROM sessions AS s
                JOIN (SELECT session_id, N''{'' + STRING_AGG(CAST(N''"'' + STRING_ESCAPE([key], ''json'') + N''":'' + vals AS nvarchar(max)), N'','') WITHIN GROUP (ORDER BY first_position) + N''}'' AS map
                      FROM (SELECT session_id, [key], MIN(position) AS first_position,
                                   N''['' + STRING_AGG(CAST(N''"'' + STRING_ESCAPE([value], ''json'') + N''"'' AS nvarchar(max)), N'','') WITHIN GROUP (ORDER BY position) + N'']'' AS vals
                            FROM session_labels GROUP BY session_id, [key]) AS k
                      GROUP BY session_id) AS m ON s.id = m.session_id;');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "labels",
                table: "sessions");
        }
    }
}
