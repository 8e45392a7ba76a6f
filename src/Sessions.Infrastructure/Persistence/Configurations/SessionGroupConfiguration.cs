using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class SessionGroupConfiguration : IEntityTypeConfiguration<SessionGroup>
{
    public void Configure(EntityTypeBuilder<SessionGroup> builder)
    {
        builder.ToTable("session_groups");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(g => g.Title).HasMaxLength(FieldLimits.GroupText);
        builder.Property(g => g.Capability).HasMaxLength(FieldLimits.GroupText);
        builder.Property(g => g.CapabilityVersion).HasMaxLength(FieldLimits.GroupText);
        builder.Property(g => g.Worker).HasMaxLength(FieldLimits.GroupText);
        builder.Property(g => g.MetadataJson).HasColumnName("metadata");
        builder.Property(g => g.Version).IsConcurrencyToken();

        // The workspace's groups newest first (the list), and a group by id within its workspace.
        builder.HasIndex(g => new { g.WorkspaceId, g.CreatedAt, g.Id });
    }
}
