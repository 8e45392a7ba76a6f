using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MemberJoinedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "joined_at",
                table: "memberships",
                type: "TEXT",
                nullable: true);

            // Members from before the column showed their profiles to their workspace's admins, and
            // nothing tells which of them have used it since: they are taken as joined when added.
            migrationBuilder.Sql("UPDATE memberships SET joined_at = created_at;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "joined_at",
                table: "memberships");
        }
    }
}
