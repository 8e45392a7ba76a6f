using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageDayFilters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "archived",
                table: "session_usage_days",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "origin",
                table: "session_usage_days",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "shared",
                table: "session_usage_days",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "user_id",
                table: "session_usage_days",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            // The rows written before this migration take their session's owner, sharing, archiving and origin.
            migrationBuilder.Sql("UPDATE session_usage_days SET user_id = (SELECT s.user_id FROM sessions s WHERE s.id = session_usage_days.session_id), shared = (SELECT s.visibility = 'Workspace' FROM sessions s WHERE s.id = session_usage_days.session_id), archived = (SELECT s.archived_at IS NOT NULL FROM sessions s WHERE s.id = session_usage_days.session_id), origin = (SELECT s.origin FROM sessions s WHERE s.id = session_usage_days.session_id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "archived",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "origin",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "shared",
                table: "session_usage_days");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "session_usage_days");
        }
    }
}
