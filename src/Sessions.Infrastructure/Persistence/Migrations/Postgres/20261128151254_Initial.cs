using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sessions.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "organizations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organizations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    aggregate_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    model = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    agent = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    visibility = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    message_count = table.Column<int>(type: "integer", nullable: false),
                    preview_text = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    preview_seq = table.Column<long>(type: "bigint", nullable: true),
                    system_prompt = table.Column<string>(type: "text", nullable: true),
                    project_id = table.Column<Guid>(type: "uuid", nullable: true),
                    runtime_id = table.Column<Guid>(type: "uuid", nullable: true),
                    group_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_message_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    archived_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    pinned_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    frozen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    frozen_by = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    shared_by = table.Column<Guid>(type: "uuid", nullable: true),
                    shared_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    last_generation_input_tokens = table.Column<long>(type: "bigint", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    id_text = table.Column<string>(type: "character varying(36)", unicode: false, maxLength: 36, nullable: true, computedColumnSql: "id::text", stored: true, collation: "C"),
                    current_usage_cache_creation_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    current_usage_cache_read_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    current_usage_cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    current_usage_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    current_usage_message_count = table.Column<long>(type: "bigint", nullable: false),
                    current_usage_output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    current_usage_tool_call_count = table.Column<long>(type: "bigint", nullable: false),
                    current_usage_uncosted_usage_count = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_cache_creation_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_cache_read_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: false),
                    total_usage_input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_message_count = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_tool_call_count = table.Column<long>(type: "bigint", nullable: false),
                    total_usage_uncosted_usage_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sessions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    full_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    username = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "workspaces",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workspaces", x => x.id);
                    table.ForeignKey(
                        name: "fk_workspaces_organizations_organization_id",
                        column: x => x.organization_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "session_labels",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_labels", x => x.id);
                    table.ForeignKey(
                        name: "fk_session_labels_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "session_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    tool_call_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    tool_calls = table.Column<string>(type: "text", nullable: false),
                    tool_call_count = table.Column<int>(type: "integer", nullable: false),
                    metadata_json = table.Column<string>(type: "text", nullable: true),
                    input_tokens = table.Column<long>(type: "bigint", nullable: true),
                    output_tokens = table.Column<long>(type: "bigint", nullable: true),
                    cache_read_input_tokens = table.Column<long>(type: "bigint", nullable: true),
                    cache_creation_input_tokens = table.Column<long>(type: "bigint", nullable: true),
                    cost_usd = table.Column<decimal>(type: "numeric(20,10)", precision: 20, scale: 10, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    compacted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_messages", x => new { x.session_id, x.id });
                    table.ForeignKey(
                        name: "fk_session_messages_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                columns: table => new
                {
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => new { x.workspace_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_memberships_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_memberships_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_memberships_user_id",
                table: "memberships",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_slug",
                table: "organizations",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_aggregate_id_occurred_at",
                table: "outbox_messages",
                columns: new[] { "aggregate_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_processed_at",
                table: "outbox_messages",
                column: "processed_at");

            migrationBuilder.CreateIndex(
                name: "ix_session_labels_key_value_session_id",
                table: "session_labels",
                columns: new[] { "key", "value", "session_id" });

            migrationBuilder.CreateIndex(
                name: "ix_session_labels_session_id_position",
                table: "session_labels",
                columns: new[] { "session_id", "position" });

            migrationBuilder.CreateIndex(
                name: "ix_session_messages_session_id_seq",
                table: "session_messages",
                columns: new[] { "session_id", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_archived_at_visibility_origin_user_id",
                table: "sessions",
                columns: new[] { "workspace_id", "archived_at", "visibility", "origin", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_id_text",
                table: "sessions",
                columns: new[] { "workspace_id", "id_text" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_updated_at_id",
                table: "sessions",
                columns: new[] { "workspace_id", "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_workspace_id_user_id_updated_at",
                table: "sessions",
                columns: new[] { "workspace_id", "user_id", "updated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_users_email",
                table: "users",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_workspaces_organization_id_slug",
                table: "workspaces",
                columns: new[] { "organization_id", "slug" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "memberships");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "session_labels");

            migrationBuilder.DropTable(
                name: "session_messages");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "workspaces");

            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropTable(
                name: "organizations");
        }
    }
}
