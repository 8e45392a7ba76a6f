using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class SessionConfiguration(DatabaseProvider provider) : IEntityTypeConfiguration<Session>
{
    /// <summary>The canonical lowercase text of the id, kept by the database for index-backed prefix lookup.</summary>
    public const string IdText = "IdText";

    /// <summary>The filter of the group index: one spelling that SQLite, PostgreSQL and SQL Server all read.</summary>
    private const string GroupedOnly = "group_id IS NOT NULL";

    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Title).HasMaxLength(FieldLimits.SessionTitle);
        builder.Property(s => s.Model).HasMaxLength(FieldLimits.SessionModel);
        builder.Property(s => s.Agent).HasMaxLength(FieldLimits.SessionAgent);
        builder.Property(s => s.SystemPromptDigest).HasMaxLength(SessionPrompt.DigestLength).IsUnicode(false);
        builder.Property(s => s.PreviewText).HasMaxLength(FieldLimits.Preview);
        builder.Property(s => s.Origin).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Visibility).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.FrozenBy).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Version).IsConcurrencyToken();
        // A change saves the life it loaded: a session deleted and created again under its id since
        // (perhaps elsewhere) may be at the same version, and is not the one the change was for.
        builder.Property(s => s.CreatedAt).IsConcurrencyToken();
        builder.ComplexProperty(s => s.TotalUsage);
        builder.ComplexProperty(s => s.CurrentUsage);

        // The labels a read answers with, and the counts are kept by, are the map on the row
        // (ADR 0075); their rows, which listings filter by, are loaded only with a session whose
        // labels a command changes (SessionRepository, ADR 0076).
        builder.Property(s => s.LabelMap)
            .HasColumnName("labels")
            .HasConversion(LabelMapColumn.Converter, LabelMapColumn.Comparer)
            .HasDefaultValueSql($"'{LabelMapColumn.Empty}'");
        builder.HasMany(s => s.Labels).WithOne().HasForeignKey(SessionLabelConfiguration.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.Labels).HasField("_labels").UsePropertyAccessMode(PropertyAccessMode.Field);

        var idText = builder.Property<string>(IdText).HasMaxLength(36).IsUnicode(false);
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                idText.HasComputedColumnSql("id::text", stored: true).UseCollation("C");
                break;
            case DatabaseProvider.SqlServer:
                idText.HasComputedColumnSql("LOWER(CONVERT(char(36), [id]))", stored: true).UseCollation("Latin1_General_BIN2");
                break;
            default:
                idText.HasComputedColumnSql("lower(id)", stored: true);
                break;
        }

        // Computed from the id, which never changes: read back when the session is inserted, not
        // after every update of the session (an update with no RETURNING clause).
        idText.ValueGeneratedOnAdd();

        builder.HasIndex(nameof(Session.WorkspaceId), IdText);

        // The session's labels folded into one word, which a listing by label tests before it
        // probes the labels' index (LabelBits, ADR 0035). A row written without it (by a version
        // of the service from before it) gets the word that passes every filter.
        builder.Property<long>(LabelBits.Property).HasDefaultValue(LabelBits.Unknown).HasSentinel(LabelBits.Unknown);

        // A listing in its default order walks this index and stops at its page: the visibility rule
        // and the default filters (archived, workload sessions) are answered from the index itself,
        // so a page filtered by nothing else, or by labels (the folded labels, then a probe of the
        // labels' index for the sessions that may carry one), reads the table only for the
        // sessions on the page.
        CoveringIndexes.Covering(
            builder.HasIndex,
            provider,
            [nameof(Session.WorkspaceId), nameof(Session.UpdatedAt), nameof(Session.Id)],
            nameof(Session.ArchivedAt), nameof(Session.Origin), nameof(Session.UserId), nameof(Session.Visibility), LabelBits.Property);

        // A listing in the order of its creation, of its number of messages or of its last message
        // walks an index of that order in the same way, in either direction (ADRs 0056, 0057), so a
        // page reads its rows in order instead of sorting every visible session of the workspace.
        string[] otherOrders = [nameof(Session.CreatedAt), nameof(Session.MessageCount), nameof(Session.LastMessageAt)];
        foreach (var order in otherOrders)
        {
            CoveringIndexes.Covering(
                builder.HasIndex,
                provider,
                [nameof(Session.WorkspaceId), order, nameof(Session.Id)],
                nameof(Session.ArchivedAt), nameof(Session.Origin), nameof(Session.UserId), nameof(Session.Visibility), LabelBits.Property);
        }

        builder.HasIndex(s => new { s.WorkspaceId, s.UserId, s.UpdatedAt });

        // A group's sessions, most recently updated first, without a pass over the workspace's.
        // Only grouped sessions are in it: every read of it names a group (the group's sessions,
        // the test of a group's visibility), and a session in no group, as most are, then moves no
        // entry of it when a change stamps its update time (ADR 0081). It carries the visibility
        // rule's facts and the default filters' columns, as the listing's indexes do, so the
        // grouped page's buckets, a group's page of ids and the test of a group's visibility read
        // no session's row (ADR 0084).
        CoveringIndexes.Covering(
                builder.HasIndex,
                provider,
                [nameof(Session.GroupId), nameof(Session.UpdatedAt), nameof(Session.Id)],
                nameof(Session.WorkspaceId), nameof(Session.ArchivedAt), nameof(Session.Origin), nameof(Session.UserId), nameof(Session.Visibility), LabelBits.Property)
            .HasFilter(GroupedOnly);

        // Usage by session attributes (CONTRACT §5.8) reads ix_sessions_usage alone on PostgreSQL and
        // SQL Server: the migration UsageByWorkspace creates it in SQL, since an index cannot name
        // the columns of a complex property (the usage totals) in its model.

        // Counting a listing's matches (its total) and the facets' counts read only this index:
        // the visibility and default filters are its key, and what they count or join on is in it.
        builder.HasIndex(s => new { s.WorkspaceId, s.ArchivedAt, s.Visibility, s.Origin, s.UserId })
            .Including(provider, nameof(Session.Id), nameof(Session.Agent), nameof(Session.Model), nameof(Session.UpdatedAt));
    }
}
