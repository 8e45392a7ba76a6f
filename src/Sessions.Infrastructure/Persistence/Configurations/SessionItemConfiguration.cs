using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class SessionItemConfiguration(DatabaseProvider provider) : IEntityTypeConfiguration<SessionItem>
{
    public void Configure(EntityTypeBuilder<SessionItem> builder)
    {
        builder.ToTable("session_items");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.HasOne<Session>().WithMany().HasForeignKey(i => i.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(i => i.ItemType).HasMaxLength(FieldLimits.ItemType);
        builder.Property(i => i.Title).HasMaxLength(FieldLimits.ItemText);
        builder.Property(i => i.DedupeKey).HasMaxLength(FieldLimits.ItemText);
        builder.Property(i => i.Ref).HasMaxLength(FieldLimits.ItemReference);
        builder.Property(i => i.SchemaRef).HasMaxLength(FieldLimits.ItemReference);
        builder.Property(i => i.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Capability).HasMaxLength(FieldLimits.ItemText);
        builder.Property(i => i.CapabilityVersion).HasMaxLength(FieldLimits.ItemText);
        builder.Property(i => i.SpanId).HasMaxLength(FieldLimits.ItemText);
        builder.Property(i => i.TraceId).HasMaxLength(FieldLimits.ItemText);
        builder.Property(i => i.DataJson).HasColumnName("data");
        builder.Property(i => i.DispositionJson).HasColumnName("disposition");

        // A dedupe key names one item per session; items without a key are not limited.
        builder.HasIndex(i => new { i.SessionId, i.DedupeKey }).IsUnique()
            .HasFilter(provider == DatabaseProvider.SqlServer ? "[dedupe_key] IS NOT NULL" : "dedupe_key IS NOT NULL");
        builder.HasIndex(i => new { i.SessionId, i.CreatedAt, i.Id });
    }
}
