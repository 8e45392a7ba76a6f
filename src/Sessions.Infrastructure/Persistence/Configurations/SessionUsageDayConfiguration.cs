using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Usage;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class SessionUsageDayConfiguration(DatabaseProvider provider) : IEntityTypeConfiguration<SessionUsageDay>
{
    public void Configure(EntityTypeBuilder<SessionUsageDay> builder)
    {
        builder.ToTable("session_usage_days");
        builder.HasKey(d => new { d.SessionId, d.Day });
        builder.HasOne<Session>().WithMany().HasForeignKey(d => d.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.Origin).HasConversion<string>().HasMaxLength(16);

        // A workspace's days in a range, with everything summed, read from the index alone.
        builder.HasIndex(d => new { d.WorkspaceId, d.Day }).Including(
            provider,
            nameof(SessionUsageDay.SessionId),
            nameof(SessionUsageDay.UserId),
            nameof(SessionUsageDay.Shared),
            nameof(SessionUsageDay.Archived),
            nameof(SessionUsageDay.Origin),
            nameof(SessionUsageDay.MessageCount),
            nameof(SessionUsageDay.InputTokens),
            nameof(SessionUsageDay.OutputTokens),
            nameof(SessionUsageDay.CacheReadInputTokens),
            nameof(SessionUsageDay.CacheCreationInputTokens),
            nameof(SessionUsageDay.ToolCallCount),
            nameof(SessionUsageDay.CostUsd),
            nameof(SessionUsageDay.UncostedUsageCount));
    }
}
