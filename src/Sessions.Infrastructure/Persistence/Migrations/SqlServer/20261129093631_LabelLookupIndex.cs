using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class LabelLookupIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_labels_key_value_session_id",
                table: "session_labels");

            migrationBuilder.CreateIndex(
                name: "ix_session_labels_key_value",
                table: "session_labels",
                columns: new[] { "key", "value" })
                .Annotation("SqlServer:Include", new[] { "session_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_session_labels_key_value",
                table: "session_labels");

            migrationBuilder.CreateIndex(
                name: "ix_session_labels_key_value_session_id",
                table: "session_labels",
                columns: new[] { "key", "value", "session_id" });
        }
    }
}
