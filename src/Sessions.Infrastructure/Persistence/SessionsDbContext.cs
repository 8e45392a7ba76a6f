using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Persistence.Configurations;
using Sessions.Infrastructure.Persistence.Outbox;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// The service's database. One subclass per provider owns that provider's migration set; the
/// model differs between them only where SQL must (collations, computed column expressions).
/// </summary>
public abstract class SessionsDbContext(DbContextOptions options, DatabaseProvider provider) : DbContext(options)
{
    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public DatabaseProvider Provider { get; } = provider;

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SessionMessage> Messages => Set<SessionMessage>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<User> Users => Set<User>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>Stores the domain events of every tracked aggregate in the outbox, then saves, all in one transaction.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var aggregates = ChangeTracker.Entries<AggregateRoot>()
            .Select(entry => entry.Entity)
            .Where(aggregate => aggregate.DomainEvents.Count > 0)
            .ToList();
        foreach (var aggregate in aggregates)
        {
            OutboxMessages.AddRange(aggregate.DomainEvents.Select(ToOutboxMessage));
            aggregate.ClearDomainEvents();
        }

        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new SessionConfiguration(Provider));
        modelBuilder.ApplyConfiguration(new SessionMessageConfiguration());
        modelBuilder.ApplyConfiguration(new OrganizationConfiguration());
        modelBuilder.ApplyConfiguration(new WorkspaceConfiguration());
        modelBuilder.ApplyConfiguration(new MembershipConfiguration());
        modelBuilder.ApplyConfiguration(new UserConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        SnakeCaseNames.Apply(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(20, 10);
    }

    private static OutboxMessage ToOutboxMessage(IDomainEvent domainEvent) => new()
    {
        Id = Guid.CreateVersion7(domainEvent.OccurredAt),
        AggregateId = domainEvent.AggregateId,
        Type = domainEvent.GetType().Name,
        Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), EventJson),
        OccurredAt = domainEvent.OccurredAt,
    };
}
