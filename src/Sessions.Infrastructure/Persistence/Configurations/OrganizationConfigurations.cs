using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Persistence.Counts;
using Sessions.Infrastructure.Persistence.Outbox;

namespace Sessions.Infrastructure.Persistence.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.ToTable("organizations");
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Slug).HasMaxLength(FieldLimits.Slug);
        builder.Property(o => o.Name).HasMaxLength(FieldLimits.OrganizationName);
        builder.HasIndex(o => o.Slug).IsUnique();
    }
}

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.ToTable("workspaces");
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Property(w => w.Slug).HasMaxLength(FieldLimits.Slug);
        builder.Property(w => w.Name).HasMaxLength(FieldLimits.OrganizationName);
        builder.HasOne<Organization>().WithMany().HasForeignKey(w => w.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(w => new { w.OrganizationId, w.Slug }).IsUnique();
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.ToTable("memberships");
        builder.HasKey(m => new { m.WorkspaceId, m.UserId });
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => m.UserId);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.Email).HasMaxLength(FieldLimits.Email);
        builder.Property(u => u.FullName).HasMaxLength(FieldLimits.DisplayName);
        builder.Property(u => u.Username).HasMaxLength(FieldLimits.DisplayName);
        builder.HasIndex(u => u.Email);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Type).HasMaxLength(100);
        builder.HasIndex(o => new { o.AggregateId, o.OccurredAt, o.Ordinal });
        builder.HasIndex(o => o.ProcessedAt);
    }
}

internal sealed class SessionCountConfiguration : IEntityTypeConfiguration<SessionCount>
{
    public void Configure(EntityTypeBuilder<SessionCount> builder)
    {
        builder.ToTable("session_counts");
        // The dimension and value come before what visibility looks at, so a listing's total (the
        // origins, or one label's value) reads its own rows of the workspace and no other (ADR 0086).
        builder.HasKey(c => new { c.WorkspaceId, c.Dimension, c.Key, c.Value, c.OwnerId, c.Shared, c.Archived, c.Origin, c.Part });
        builder.Property(c => c.Origin).HasMaxLength(16);
        builder.Property(c => c.Dimension).HasMaxLength(16);
        builder.Property(c => c.Key).HasMaxLength(FieldLimits.LabelKey);
        builder.Property(c => c.Value).HasMaxLength(FieldLimits.LabelValue);
    }
}
