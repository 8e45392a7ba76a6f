using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Configurations;

/// <summary>A session's labels, one row per value: what listings filter by and facets count.</summary>
internal sealed class SessionLabelConfiguration(DatabaseProvider provider) : IEntityTypeConfiguration<SessionLabel>
{
    /// <summary>The session a label belongs to, a column of the row only.</summary>
    public const string SessionId = "SessionId";

    public void Configure(EntityTypeBuilder<SessionLabel> labels)
    {
        labels.ToTable("session_labels");
        labels.Property<long>("Id").ValueGeneratedOnAdd();
        labels.HasKey("Id");
        labels.Property<Guid>(SessionId);
        labels.Property(l => l.Key).HasMaxLength(FieldLimits.LabelKey);
        labels.Property(l => l.Value).HasMaxLength(FieldLimits.LabelValue);

        // The sessions that carry a label. On PostgreSQL and SQL Server the session id is
        // included rather than keyed, so that a probe for one session's label is not costed
        // like one of the index below (PostgreSQL keeps the older of two equal paths, and a
        // probe by label first compares text at every level).
        CoveringIndexes.Covering(labels.HasIndex, provider, [nameof(SessionLabel.Key), nameof(SessionLabel.Value)], SessionId);

        // A session's labels, and whether one session has a given label: a label filter walking
        // the listing index probes this once per session it passes, and the session id first
        // narrows each probe before any text is compared.
        labels.HasIndex(SessionId, nameof(SessionLabel.Key), nameof(SessionLabel.Value));
    }
}
