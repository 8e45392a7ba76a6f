using Sessions.Domain.Common;

namespace Sessions.Domain.Groups;

/// <summary>What a group gathers: the sessions of one worker run, one evaluation item, or one workflow run.</summary>
public enum GroupKind
{
    WorkerRun,
    EvaluationItem,
    Workflow,
}

/// <summary>A group runs until it finishes in one of three ways; a finished group stays finished.</summary>
public enum GroupStatus
{
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>What a client chooses when it creates a group; the id is the service's.</summary>
public sealed record NewGroup(
    GroupKind Kind,
    Guid ProjectId,
    string? Title,
    GroupStatus Status,
    string? Capability,
    string? CapabilityVersion,
    string? Worker,
    Guid? EvaluationId,
    Guid? EvaluationItemId,
    Guid? EvaluationItemAttemptId,
    Guid? RuntimeId,
    string? MetadataJson);

/// <summary>A partial update of a group: a null field is left as it is.</summary>
public sealed record GroupChanges(string? Title = null, GroupStatus? Status = null, string? MetadataJson = null);

public sealed record SessionGroupCreated(Guid AggregateId, Guid WorkspaceId, Guid ActorId, GroupKind Kind, GroupStatus Status, DateTime OccurredAt) : IActorEvent;

public sealed record SessionGroupStatusChanged(Guid AggregateId, Guid ActorId, GroupStatus From, GroupStatus To, DateTime OccurredAt) : IActorEvent;

public sealed record SessionGroupUpdated(Guid AggregateId, Guid ActorId, IReadOnlyList<string> Fields, DateTime OccurredAt) : IActorEvent;

/// <summary>
/// A group of sessions of one workspace: one workflow run, worker run or evaluation item. Sessions
/// join it by naming it; the group keeps its own description and status. Running ends in
/// completed, failed or cancelled, which stamps <see cref="CompletedAt"/> and is final: the same
/// status again changes nothing, any other is a conflict.
/// </summary>
public sealed class SessionGroup : AggregateRoot
{
    private SessionGroup()
    {
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public GroupKind Kind { get; private set; }

    public Guid ProjectId { get; private set; }

    public string? Title { get; private set; }

    public GroupStatus Status { get; private set; }

    public string? Capability { get; private set; }

    public string? CapabilityVersion { get; private set; }

    public string? Worker { get; private set; }

    public Guid? EvaluationId { get; private set; }

    public Guid? EvaluationItemId { get; private set; }

    public Guid? EvaluationItemAttemptId { get; private set; }

    public Guid? RuntimeId { get; private set; }

    /// <summary>A JSON object, stored as the client sent it; null when none was sent.</summary>
    public string? MetadataJson { get; private set; }

    public Guid CreatedBy { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? CompletedAt { get; private set; }

    /// <summary>Grows by one with every change; the database checks it on update.</summary>
    public long Version { get; private set; }

    public bool IsFinished => Status != GroupStatus.Running;

    public static SessionGroup Create(NewGroup spec, Guid workspaceId, Guid creatorId, DateTime now)
    {
        var group = new SessionGroup
        {
            Id = Guid.CreateVersion7(now),
            WorkspaceId = workspaceId,
            Kind = spec.Kind,
            ProjectId = spec.ProjectId,
            Title = spec.Title,
            Status = spec.Status,
            Capability = spec.Capability,
            CapabilityVersion = spec.CapabilityVersion,
            Worker = spec.Worker,
            EvaluationId = spec.EvaluationId,
            EvaluationItemId = spec.EvaluationItemId,
            EvaluationItemAttemptId = spec.EvaluationItemAttemptId,
            RuntimeId = spec.RuntimeId,
            MetadataJson = spec.MetadataJson,
            CreatedBy = creatorId,
            CreatedAt = now,
            UpdatedAt = now,
            CompletedAt = spec.Status == GroupStatus.Running ? null : now,
            Version = 1,
        };
        group.Raise(new SessionGroupCreated(group.Id, workspaceId, creatorId, spec.Kind, spec.Status, now));
        return group;
    }

    /// <summary>Applies what the client sent; a finished group refuses any other status, and then nothing changes.</summary>
    public Result Update(GroupChanges changes, Guid actorId, DateTime now)
    {
        if (changes.Status is { } status && status != Status && IsFinished)
        {
            return DomainErrors.GroupAlreadyFinished(Status.ToString().ToLowerInvariant());
        }

        var changed = new List<string>();
        if (changes.Title is { } title && title != Title)
        {
            Title = title;
            changed.Add("title");
        }

        if (changes.MetadataJson is { } metadata && metadata != MetadataJson)
        {
            MetadataJson = metadata;
            changed.Add("metadata");
        }

        var touched = changed.Count > 0;
        if (touched)
        {
            Raise(new SessionGroupUpdated(Id, actorId, changed, now));
        }

        if (changes.Status is { } next && next != Status)
        {
            Raise(new SessionGroupStatusChanged(Id, actorId, Status, next, now));
            Status = next;
            CompletedAt = now;
            touched = true;
        }

        if (touched)
        {
            UpdatedAt = now;
            Version++;
        }

        return Result.Success;
    }
}
