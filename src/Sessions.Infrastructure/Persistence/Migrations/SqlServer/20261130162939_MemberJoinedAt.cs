using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
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
                type: "datetime2",
                nullable: true);

            // Members from before the column showed their profiles to their workspace's admins, and
            // nothing tells which of them have used it since: they are taken as joined when added.
            // Through EXEC: SQL Server compiles the migration's batch before it adds the column.
            migrationBuilder.Sql("EXEC(N'UPDATE memberships SET joined_at = created_at');");
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
