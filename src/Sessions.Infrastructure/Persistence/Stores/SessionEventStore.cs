using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Events;
using Sessions.Infrastructure.Persistence.Outbox;
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

    /// <summary>
    /// One statement per life the page reaches (a page of one life, the usual trail, is one), after
    /// the cursor's own look-up: the lives are apart in time, so each is a range of the keyset.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>?> PageAsync(Guid sessionId, IReadOnlyList<SessionLife> lives, Guid? afterId, int take, CancellationToken cancellationToken)
    {
        var events = db.OutboxMessages.AsNoTracking().Where(o => o.AggregateId == sessionId && SessionEventTypes.Contains(o.Type));
        DateTime? afterTime = null;
        var afterOrdinal = 0;
        if (afterId is { } after)
        {
            var at = await events.Where(o => o.Id == after).Select(o => new { o.OccurredAt, o.Ordinal }).SingleOrDefaultAsync(cancellationToken);
            if (at is null || !lives.Any(life => life.Holds(at.OccurredAt)))
            {
                return null;
            }

            (afterTime, afterOrdinal) = (at.OccurredAt, at.Ordinal);
        }

        var page = new List<OutboxMessage>();
        foreach (var life in lives.Where(life => afterTime is null || life.To is null || life.To >= afterTime))
        {
            var inLife = events.Where(o => o.OccurredAt >= life.From);
            if (life.To is { } to)
            {
                inLife = inLife.Where(o => o.OccurredAt <= to);
            }

            if (afterTime is { } time)
            {
                inLife = inLife.Where(o => o.OccurredAt > time || (o.OccurredAt == time && o.Ordinal > afterOrdinal));
            }

            page.AddRange(await inLife.OrderBy(o => o.OccurredAt).ThenBy(o => o.Ordinal).Take(take - page.Count).ToListAsync(cancellationToken));
            if (page.Count == take)
            {
                break;
            }
        }

        return [.. page.Select(o => new StoredEvent(o.Id, o.Type, o.OccurredAt, o.ActorId, Data(o.Payload)))];
    }

    public async Task<IReadOnlyList<SessionLife>> DeletedFromWorkspaceAsync(Guid sessionId, Guid workspaceId, CancellationToken cancellationToken)
    {
        var ends = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.AggregateId == sessionId && (o.Type == nameof(SessionDeleted) || o.Type == nameof(SessionCreated)))
            .Select(o => new { o.Type, o.OccurredAt, Payload = o.Type == nameof(SessionDeleted) ? o.Payload : null })
            .ToListAsync(cancellationToken);
        // A life begins at its latest creation before its deletion, and after the deletion before
        // it (a life whose creation left no event, from before the outbox kept them, would
        // otherwise reach back over earlier lives).
        var creations = ends.Where(o => o.Type == nameof(SessionCreated)).Select(o => o.OccurredAt).ToList();
        var deletions = ends.Where(o => o.Type == nameof(SessionDeleted)).OrderBy(o => o.OccurredAt).ToList();
        var lives = new List<SessionLife>();
        for (var i = 0; i < deletions.Count; i++)
        {
            var deleted = deletions[i];
            if (JsonNode.Parse(deleted.Payload!)!["workspace_id"]!.GetValue<Guid>() != workspaceId)
            {
                continue;
            }

            var created = creations.Where(at => at <= deleted.OccurredAt).DefaultIfEmpty(DateTime.MinValue).Max();
            // Events are stamped in whole microseconds, the finest instant every database keeps.
            var afterPrevious = i == 0 ? DateTime.MinValue : deletions[i - 1].OccurredAt.AddTicks(TimeSpan.TicksPerMicrosecond);
            lives.Add(new SessionLife(created > afterPrevious ? created : afterPrevious, deleted.OccurredAt));
        }

        return lives;
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
