using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class SessionMessageConfiguration : IEntityTypeConfiguration<SessionMessage>
{
    public void Configure(EntityTypeBuilder<SessionMessage> builder)
    {
        builder.ToTable("session_messages");
        builder.HasKey(m => new { m.SessionId, m.Id });
        builder.HasIndex(m => new { m.SessionId, m.Seq }).IsUnique();

        // Usage within a window that does not start or end at midnight reads the edge days' messages by
        // time. A rewind finds the messages stamped at a compaction's instant within a range of seqs
        // (TranscriptStore.CompactedBySummariesFrom): with seq in the index SQLite's planner takes
        // this index for it, not the one of seqs alone, which scanned the range for every message.
        builder.HasIndex(m => new { m.SessionId, m.CreatedAt, m.Seq });
        builder.HasOne<Session>().WithMany().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.ToolCallId).HasMaxLength(FieldLimits.MessageIdentifier);
        builder.Property(m => m.Content).HasColumnName("content");
        builder.Property(m => m.ToolCalls)
            .HasConversion(
                calls => ToolCallJson.Serialize(calls),
                json => ToolCallJson.Deserialize(json),
                new ValueComparer<IReadOnlyList<ToolCall>>(
                    (left, right) => left!.SequenceEqual(right!),
                    calls => calls.Aggregate(0, (hash, call) => HashCode.Combine(hash, call)),
                    calls => calls.ToList()))
            .HasColumnName("tool_calls");
        builder.OwnsOne(m => m.Usage, usage =>
        {
            usage.Property(u => u.InputTokens).HasColumnName("input_tokens");
            usage.Property(u => u.OutputTokens).HasColumnName("output_tokens");
            usage.Property(u => u.CacheReadInputTokens).HasColumnName("cache_read_input_tokens");
            usage.Property(u => u.CacheCreationInputTokens).HasColumnName("cache_creation_input_tokens");
            usage.Property(u => u.CostUsd).HasColumnName("cost_usd");
        });
    }

    /// <summary>Tool calls as a JSON array; each call's arguments are stored as the JSON the client sent.</summary>
    private static class ToolCallJson
    {
        public static string Serialize(IReadOnlyList<ToolCall> calls)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                foreach (var call in calls)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", call.Id);
                    writer.WriteString("name", call.Name);
                    writer.WritePropertyName("arguments");
                    writer.WriteRawValue(call.ArgumentsJson);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        public static IReadOnlyList<ToolCall> Deserialize(string json)
        {
            using var document = JsonDocument.Parse(json);
            return [.. document.RootElement.EnumerateArray().Select(call => new ToolCall(
                call.GetProperty("id").GetString()!,
                call.GetProperty("name").GetString()!,
                call.GetProperty("arguments").GetRawText()))];
        }
    }
}
