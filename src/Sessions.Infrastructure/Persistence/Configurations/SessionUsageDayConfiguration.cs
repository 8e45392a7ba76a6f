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
        var byDay = builder.HasIndex(d => new { d.WorkspaceId, d.Day });
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                NpgsqlIndexBuilderExtensions.IncludeProperties(byDay, Summed);
                break;
            case DatabaseProvider.SqlServer:
                SqlServerIndexBuilderExtensions.IncludeProperties(byDay, Summed);
                break;
        }
    }

    private static readonly System.Linq.Expressions.Expression<Func<SessionUsageDay, object?>> Summed = d => new
    {
        d.SessionId,
        d.UserId,
        d.Shared,
        d.Archived,
        d.Origin,
        d.MessageCount,
        d.InputTokens,
        d.OutputTokens,
        d.CacheReadInputTokens,
        d.CacheCreationInputTokens,
        d.ToolCallCount,
        d.CostUsd,
        d.UncostedUsageCount,
    };
}
