using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Configurations;

/// <summary>A session's system prompt, a row of its own beside the session's (ADR 0073): none until an append's context sends one; deleted with its session.</summary>
internal sealed class SessionPromptConfiguration : IEntityTypeConfiguration<SessionPrompt>
{
    public void Configure(EntityTypeBuilder<SessionPrompt> builder)
    {
        builder.ToTable("session_prompts");
        builder.HasKey(p => p.SessionId);
        builder.Property(p => p.SessionId).ValueGeneratedNever();
        builder.Property(p => p.Text).HasColumnName("system_prompt");
        builder.HasOne<Session>().WithOne().HasForeignKey<SessionPrompt>(p => p.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
