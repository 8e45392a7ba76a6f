using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Persistence.Configurations;
using Sessions.Infrastructure.Persistence.Counts;
using Sessions.Infrastructure.Persistence.Outbox;
using Sessions.Infrastructure.Persistence.Stores;
using Sessions.Infrastructure.Persistence.Usage;

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

    private readonly RowWriter _rows = new(provider);
    private readonly UsageDayDeltas _usageDays = new();
    private readonly List<IDomainEvent> _savedEvents = [];

    /// <summary>The kept sums' statements the save in progress hands to its batch's first command (<see cref="TakeRiders"/>).</summary>
    private IReadOnlyList<RowWriter.Statement> _riders = [];

    /// <summary>What the next save writes beside the tracked changes, when <see cref="PrepareSave"/> took it already.</summary>
    private PreparedSave? _prepared;

    public DatabaseProvider Provider { get; } = provider;

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SessionMessage> Messages => Set<SessionMessage>();

    public DbSet<SessionPrompt> Prompts => Set<SessionPrompt>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<User> Users => Set<User>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<SessionCount> SessionCounts => Set<SessionCount>();

    public DbSet<SessionItem> Items => Set<SessionItem>();

    public DbSet<SessionGroup> Groups => Set<SessionGroup>();

    public DbSet<SessionUsageDay> UsageDays => Set<SessionUsageDay>();

    /// <summary>The changes the next save makes to <see cref="SessionUsageDay"/> rows; appended messages add to them by themselves.</summary>
    internal UsageDayDeltas UsageDayDeltas => _usageDays;

    /// <summary>
    /// Saves the tracked changes, the facet counts they move (<see cref="SessionCount"/>), then the
    /// appended rows (<see cref="Append{T}"/>) with the domain events of every tracked aggregate as
    /// outbox rows, in as few commands as the provider allows.
    /// Outside a transaction it opens one, so the change, its rows and its events commit together.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var prepared = _prepared ?? Prepare();
        _prepared = null;
        if (Database.CurrentTransaction is not null || (!_rows.HasPending && prepared.Counts.Count == 0 && !_usageDays.HasPending && prepared.Refiltered.Count == 0))
        {
            return await SaveAllAsync(prepared, acceptAllChangesOnSuccess, cancellationToken);
        }

        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        var saved = await SaveAllAsync(prepared, acceptAllChangesOnSuccess, cancellationToken);

        // As in the unit of work: a commit once begun is not called off by a caller who leaves.
        await transaction.CommitAsync(CancellationToken.None);
        return saved;
    }

    /// <summary>
    /// Takes from the tracked changes what the next save writes beside them: the domain events as
    /// outbox rows, the facet counts and usage-day filters they move. The unit of work calls it
    /// before it takes the write turn, which then holds only the writes and the commit; nothing may
    /// change a tracked entity between this and the save. Answers whether a membership changes.
    /// </summary>
    public bool PrepareSave()
    {
        _prepared = Prepare();
        return _prepared.ChangesMemberships;
    }

    /// <summary>
    /// Reads the tracked changes, detecting them once (each <c>ChangeTracker.Entries</c> call would
    /// detect them again; the save that follows does not either).
    /// </summary>
    private PreparedSave Prepare()
    {
        ChangeTracker.DetectChanges();
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var ordinal = 0;
            foreach (var entry in ChangeTracker.Entries<AggregateRoot>().ToList())
            {
                foreach (var domainEvent in entry.Entity.DomainEvents)
                {
                    Append(ToOutboxMessage(domainEvent, ordinal++, (entry.Entity as Session)?.CreatedAt));
                    _savedEvents.Add(domainEvent);
                }

                entry.Entity.ClearDomainEvents();
            }

            LabelBits.Stamp(ChangeTracker);
            return new PreparedSave(
                SessionCountDeltas.Collect(ChangeTracker, CountParts.For(Provider)),
                UsageDayWriter.Refiltered(ChangeTracker),
                ChangeTracker.Entries<Membership>().Any(entry => entry.State is not EntityState.Unchanged));
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = true;
        }
    }

    private async Task<int> SaveAllAsync(PreparedSave prepared, bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        var counts = SessionCountWriter.Statements(this, Provider, prepared.Counts);
        var usageDays = _usageDays.HasPending
            ? UsageDayWriter.Statements(this, Provider, _usageDays.Take(await SessionsOfAsync(_usageDays.Sessions, cancellationToken)))
            : [];

        // Prepare detected the changes; nothing has changed since. The tracked changes go first:
        // a session's version check fails there, before the rows kept from it (counts, outbox,
        // usage days) are written, which a change loaded without a lock relies on (ADR 0031). On
        // PostgreSQL the kept sums' statements of fixed forms ride behind them in the batch's first
        // command (KeptSumsInTheSaveBatch): a failed check there fails the save, and the transaction
        // rolls back what they wrote. The statements no command took run after the save.
        int saved;
        IReadOnlyList<RowWriter.Statement> riders = [];
        IReadOnlyList<RowWriter.Statement> ridden;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var changes = ChangeTracker.HasChanges();
            if (changes && Provider == DatabaseProvider.Postgres)
            {
                riders = [.. Riding(counts), .. Riding(usageDays)];
                _riders = riders;
            }

            saved = changes ? await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken) : 0;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = true;
            ridden = _riders.Count == 0 ? riders : [];
            _riders = [];
        }

        foreach (var statement in counts.Except(ridden))
        {
            await RowWriter.ExecuteAsync(this, statement, cancellationToken);
        }

        await _rows.FlushAsync(this, [.. usageDays.Except(ridden)], cancellationToken);
        await UsageDayWriter.RefilterAsync(this, prepared.Refiltered, cancellationToken);

        return saved;
    }

    /// <summary>
    /// A writer's statements when they may ride in the save's batch: all of them of fixed forms,
    /// which makes them one statement (a writer splits its rows only past thousands of parameters),
    /// so that its rows are still written in their one order.
    /// </summary>
    private static IReadOnlyList<RowWriter.Statement> Riding(IReadOnlyList<RowWriter.Statement> statements) =>
        statements.All(statement => statement.Prepared) ? statements : [];

    /// <summary>
    /// The kept sums' statements that the save's next command is to carry, handed over once: the
    /// first command of EF Core's batch takes them (<see cref="Providers.KeptSumsInTheSaveBatch"/>).
    /// </summary>
    internal IReadOnlyList<RowWriter.Statement> TakeRiders()
    {
        var riders = _riders;
        _riders = [];
        return riders;
    }

    /// <summary>The domain events saved since the last call: what the transaction about to commit (or just committed) did.</summary>
    public IReadOnlyList<IDomainEvent> TakeSavedEvents()
    {
        var events = _savedEvents.ToList();
        _savedEvents.Clear();
        return events;
    }

    /// <summary>These sessions as they are now: the tracked ones (a change loads its session), else read.</summary>
    private async Task<IReadOnlyDictionary<Guid, Session>> SessionsOfAsync(IEnumerable<Guid> sessionIds, CancellationToken cancellationToken)
    {
        var known = ChangeTracker.Entries<Session>().ToDictionary(e => e.Entity.Id, e => e.Entity);
        var missing = sessionIds.Where(id => !known.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var session in await Sessions.AsNoTracking().Where(s => missing.Contains(s.Id)).ToListAsync(cancellationToken))
            {
                known[session.Id] = session;
            }
        }

        return known;
    }

    /// <summary>
    /// Queues a row that is only ever inserted (a transcript message, an outbox event) for the next
    /// save. On SQLite, which EF Core does not batch, all such rows of a save go out as multi-row
    /// inserts (<see cref="RowWriter"/>); elsewhere EF Core's own batch carries them in the same round
    /// trip as the save's other changes.
    /// </summary>
    public void Append<T>(T row)
        where T : class
    {
        if (row is SessionMessage message)
        {
            _usageDays.Add(message);
        }

        if (Provider == DatabaseProvider.Sqlite)
        {
            _rows.Add(Model.FindEntityType(typeof(T))!, row);
        }
        else
        {
            Add(row);
        }
    }

    /// <summary>A pooled context goes back to the pool without queued rows.</summary>
    public override void Dispose()
    {
        ForgetQueued();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override ValueTask DisposeAsync()
    {
        ForgetQueued();
        GC.SuppressFinalize(this);
        return base.DisposeAsync();
    }

    /// <summary>Forgets every tracked change and queued row, after a rollback.</summary>
    public void Discard()
    {
        ChangeTracker.Clear();
        ForgetQueued();
    }

    /// <summary>What this context keeps for its next save beside the change tracker, forgotten in one place.</summary>
    private void ForgetQueued()
    {
        _prepared = null;
        _riders = [];
        _rows.Clear();
        _usageDays.Clear();
        _savedEvents.Clear();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new SessionConfiguration(Provider));
        modelBuilder.ApplyConfiguration(new SessionLabelConfiguration(Provider));
        modelBuilder.ApplyConfiguration(new SessionMessageConfiguration());
        modelBuilder.ApplyConfiguration(new SessionPromptConfiguration());
        modelBuilder.ApplyConfiguration(new OrganizationConfiguration());
        modelBuilder.ApplyConfiguration(new WorkspaceConfiguration());
        modelBuilder.ApplyConfiguration(new MembershipConfiguration());
        modelBuilder.ApplyConfiguration(new UserConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new SessionCountConfiguration());
        modelBuilder.ApplyConfiguration(new SessionItemConfiguration(Provider));
        modelBuilder.ApplyConfiguration(new SessionGroupConfiguration());
        modelBuilder.ApplyConfiguration(new SessionUsageDayConfiguration(Provider));
        if (Provider == DatabaseProvider.Sqlite)
        {
            modelBuilder.Entity<SessionSearchText>().HasNoKey().ToView("session_search_view");
            modelBuilder.Entity<SessionSearchRow>().HasNoKey().ToView("session_search_rows");
            SqliteCaseFolding.MapMatches(modelBuilder);
        }
        else if (Provider == DatabaseProvider.Postgres)
        {
            modelBuilder.Entity<SessionSearchColumns>().HasNoKey().ToView("session_search_columns");
        }
        SessionQueries.MapDefaultLimit(modelBuilder);
        SessionQueries.MapLower(modelBuilder);
        SessionQueries.MapNotSought(modelBuilder, Provider);
        SnakeCaseNames.Apply(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(20, 10);
    }

    private static OutboxMessage ToOutboxMessage(IDomainEvent domainEvent, int ordinal, DateTime? lifeCreatedAt) => new()
    {
        Id = Guid.CreateVersion7(domainEvent.OccurredAt),
        AggregateId = domainEvent.AggregateId,
        Type = domainEvent.GetType().Name,
        Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), EventJson),
        OccurredAt = domainEvent.OccurredAt,
        Ordinal = ordinal,
        ActorId = (domainEvent as IActorEvent)?.ActorId,
        LifeCreatedAt = lifeCreatedAt,
    };

    /// <summary>
    /// What a save writes beside the tracked changes: the facet counts they move and the sessions
    /// whose usage days change filters; and whether a membership changes (the caller's cache forgets them).
    /// </summary>
    private sealed record PreparedSave(IReadOnlyList<SessionCount> Counts, IReadOnlyList<Session> Refiltered, bool ChangesMemberships);
}
