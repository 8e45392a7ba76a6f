using Sessions.Domain.Common;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Domain.Sessions;

/// <summary>
/// An agent chat session: its descriptive fields, its lifecycle stamps (archived, pinned, shared,
/// frozen) and exact usage rollups of its transcript. Every state change goes through a method
/// that guards the rules, bumps <see cref="Version"/> and raises a domain event.
/// </summary>
public sealed class Session : AggregateRoot
{
    private List<SessionLabel> _labels = [];

    private Session()
    {
        Model = string.Empty;
        TotalUsage = UsageTotals.Zero;
        CurrentUsage = UsageTotals.Zero;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The owner.</summary>
    public Guid UserId { get; private set; }

    public string? Title { get; private set; }

    public string Model { get; private set; }

    public string? Agent { get; private set; }

    public SessionOrigin Origin { get; private set; }

    public SessionVisibility Visibility { get; private set; }

    public IReadOnlyList<SessionLabel> Labels => _labels;

    /// <summary>The message count the client declares; the stored count is in <see cref="TotalUsage"/>.</summary>
    public int MessageCount { get; private set; }

    public string? PreviewText { get; private set; }

    public string? SystemPrompt { get; private set; }

    public Guid? ProjectId { get; private set; }

    public Guid? RuntimeId { get; private set; }

    public Guid? GroupId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? LastMessageAt { get; private set; }

    public DateTime? ArchivedAt { get; private set; }

    public DateTime? PinnedAt { get; private set; }

    public DateTime? FrozenAt { get; private set; }

    public FrozenBy? FrozenBy { get; private set; }

    public Guid? SharedBy { get; private set; }

    public DateTime? SharedAt { get; private set; }

    /// <summary>The highest <c>seq</c> ever assigned; the next message gets one more.</summary>
    public long LastSeq { get; private set; }

    public UsageTotals TotalUsage { get; private set; }

    public UsageTotals CurrentUsage { get; private set; }

    public long? LastGenerationInputTokens { get; private set; }

    /// <summary>Grows by one with every change; the database checks it on update and it is the ETag.</summary>
    public long Version { get; private set; }

    public bool IsFrozen => FrozenAt is not null;

    public static Session Create(NewSession spec, Guid workspaceId, Guid ownerId, DateTime now)
    {
        var session = new Session
        {
            Id = spec.Id,
            WorkspaceId = workspaceId,
            UserId = ownerId,
            Title = spec.Title,
            Model = spec.Model,
            Agent = spec.Agent,
            Origin = spec.Origin,
            MessageCount = spec.MessageCount,
            ProjectId = spec.ProjectId,
            RuntimeId = spec.RuntimeId,
            GroupId = spec.GroupId,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
            _labels = SessionLabel.FromMap(spec.Labels),
        };
        if (spec.Visibility == SessionVisibility.Workspace)
        {
            session.Visibility = SessionVisibility.Workspace;
            session.SharedBy = ownerId;
            session.SharedAt = now;
        }

        session.Raise(new SessionCreated(session.Id, workspaceId, ownerId, now));
        return session;
    }

    /// <summary>
    /// Freezes the session for good. Freezing a frozen session changes nothing and raises nothing,
    /// so the first freeze's time and author stay the evidence.
    /// </summary>
    public void Freeze(Guid actorId, FrozenBy by, DateTime now)
    {
        if (IsFrozen)
        {
            return;
        }

        FrozenAt = now;
        FrozenBy = by;
        Touch(now);
        Raise(new SessionFrozen(Id, WorkspaceId, actorId, by, now));
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}
