using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SessionItems : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "session_items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    session_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    organization_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    item_type = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    data = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    title = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    dedupe_key = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    @ref = table.Column<string>(name: "ref", type: "nvarchar(1024)", maxLength: 1024, nullable: true),
                    schema_ref = table.Column<string>(type: "nvarchar(1024)", maxLength: 1024, nullable: true),
                    source = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    capability = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    capability_version = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    project_id = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    span_id = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    trace_id = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    disposition = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    created_by = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_session_items_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_session_items_session_id_created_at_id",
                table: "session_items",
                columns: new[] { "session_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_session_items_session_id_dedupe_key",
                table: "session_items",
                columns: new[] { "session_id", "dedupe_key" },
                unique: true,
                filter: "[dedupe_key] IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "session_items");
        }
    }
}
