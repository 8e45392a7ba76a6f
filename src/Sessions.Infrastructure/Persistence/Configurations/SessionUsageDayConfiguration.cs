using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Usage;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class SessionUsageDayConfiguration : IEntityTypeConfiguration<SessionUsageDay>
{
    public void Configure(EntityTypeBuilder<SessionUsageDay> builder)
    {
        builder.ToTable("session_usage_days");
        builder.HasKey(d => new { d.SessionId, d.Day });
        builder.HasOne<Session>().WithMany().HasForeignKey(d => d.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
