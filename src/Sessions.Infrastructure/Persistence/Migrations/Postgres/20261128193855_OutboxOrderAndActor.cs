using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxOrderAndActor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_aggregate_id_occurred_at",
                table: "outbox_messages");

            migrationBuilder.AddColumn<Guid>(
                name: "actor_id",
                table: "outbox_messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ordinal",
                table: "outbox_messages",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_aggregate_id_occurred_at_ordinal",
                table: "outbox_messages",
                columns: new[] { "aggregate_id", "occurred_at", "ordinal" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_aggregate_id_occurred_at_ordinal",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "actor_id",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "ordinal",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_aggregate_id_occurred_at",
                table: "outbox_messages",
                columns: new[] { "aggregate_id", "occurred_at" });
        }
    }
}
