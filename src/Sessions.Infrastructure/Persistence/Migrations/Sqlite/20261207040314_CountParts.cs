using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "pk_session_counts",
                table: "session_counts",
                columns: new[] { "workspace_id", "dimension", "key", "value", "owner_id", "shared", "archived", "origin", "part" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
        }
    }
}
