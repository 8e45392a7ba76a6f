using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Events;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>A session's events from the outbox, in the order they happened (time, then their order within one change).</summary>
internal sealed class SessionEventStore(SessionsDbContext db) : ISessionEventStore
{
    /// <summary>Fields every stored event repeats that its envelope already carries.</summary>
    private static readonly string[] EnvelopeFields = ["aggregate_id", "occurred_at", "actor_id"];

    /// <summary>
    /// The names of a session's events. The outbox holds every aggregate's events by aggregate id,
    /// and a session's trail is only these: an id a client chose (a workspace's, a group's) never
    /// shows another aggregate's events.
    /// </summary>
    private static readonly string[] SessionEventTypes =
        [.. typeof(ISessionEvent).Assembly.GetTypes().Where(t => t.IsClass && typeof(ISessionEvent).IsAssignableFrom(t)).Select(t => t.Name).Order(StringComparer.Ordinal)];

    public async Task<SessionLife> CurrentLifeAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var created = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.AggregateId == sessionId && o.Type == nameof(SessionCreated))
            .MaxAsync(o => (DateTime?)o.OccurredAt, cancellationToken);
        return created is { } from ? new SessionLife(from, null) : SessionLife.Whole;
    }

    public async Task<IReadOnlyList<StoredEvent>?> PageAsync(Guid sessionId, SessionLife life, Guid? afterId, int take, CancellationToken cancellationToken)
    {
        var events = db.OutboxMessages.AsNoTracking().Where(o => o.AggregateId == sessionId && SessionEventTypes.Contains(o.Type) && o.OccurredAt >= life.From);
        if (life.To is { } to)
        {
            events = events.Where(o => o.OccurredAt <= to);
        }

        if (afterId is { } after)
        {
            var at = await events.Where(o => o.Id == after).Select(o => new { o.OccurredAt, o.Ordinal }).SingleOrDefaultAsync(cancellationToken);
            if (at is null)
            {
                return null;
            }

            events = events.Where(o => o.OccurredAt > at.OccurredAt || (o.OccurredAt == at.OccurredAt && o.Ordinal > at.Ordinal));
        }

        var page = await events.OrderBy(o => o.OccurredAt).ThenBy(o => o.Ordinal).Take(take).ToListAsync(cancellationToken);
        return [.. page.Select(o => new StoredEvent(o.Id, o.Type, o.OccurredAt, o.ActorId, Data(o.Payload)))];
    }

    public async Task<SessionLife?> DeletedFromWorkspaceAsync(Guid sessionId, Guid workspaceId, CancellationToken cancellationToken)
    {
        var lives = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.AggregateId == sessionId && (o.Type == nameof(SessionDeleted) || o.Type == nameof(SessionCreated)))
            .Select(o => new { o.Type, o.OccurredAt, o.Payload })
            .ToListAsync(cancellationToken);
        var deleted = lives
            .Where(o => o.Type == nameof(SessionDeleted) && JsonNode.Parse(o.Payload)!["workspace_id"]!.GetValue<Guid>() == workspaceId)
            .MaxBy(o => o.OccurredAt);
        if (deleted is null)
        {
            return null;
        }

        var created = lives.Where(o => o.Type == nameof(SessionCreated) && o.OccurredAt <= deleted.OccurredAt).Select(o => (DateTime?)o.OccurredAt).Max();
        return new SessionLife(created ?? DateTime.MinValue, deleted.OccurredAt);
    }

    private static string Data(string payload)
    {
        var data = JsonNode.Parse(payload)!.AsObject();
        foreach (var field in EnvelopeFields)
        {
            data.Remove(field);
        }

        return data.ToJsonString();
    }
}
