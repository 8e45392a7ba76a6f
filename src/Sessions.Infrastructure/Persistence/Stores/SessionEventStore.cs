using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Application.Events;
using Sessions.Infrastructure.Persistence.Outbox;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// A session's events from the outbox, in the order they happened: time, then their order within
/// one change, then their id, so that the order is total and a cursor never skips an event that
/// shares its instant and place with another (two changes stamped alike, by a clock that did not
/// move or two instances' clocks).
/// </summary>
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
    /// the cursor's own look-up; for a living life whose page holds an event without a life, one
    /// more (where the life ends) and, when it ends, the page again (<see cref="OfLifeAsync"/>). An
    /// event is of a life when it carries that life's creation time; one stored before events
    /// carried it, when it falls within the life's span.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>?> PageAsync(Guid sessionId, IReadOnlyList<SessionLife> lives, Guid? afterId, int take, CancellationToken cancellationToken)
    {
        var events = db.OutboxMessages.AsNoTracking().Where(o => o.AggregateId == sessionId && SessionEventTypes.Contains(o.Type));
        var first = 0;
        EventPlace? afterPlace = null;
        if (afterId is { } after)
        {
            var at = await events.Where(o => o.Id == after).Select(o => new { o.OccurredAt, o.Ordinal, o.LifeCreatedAt }).SingleOrDefaultAsync(cancellationToken);
            first = at is null ? -1 : IndexOfLife(lives, at.LifeCreatedAt, at.OccurredAt);
            if (at is null || first < 0)
            {
                return null;
            }

            afterPlace = new EventPlace(at.OccurredAt, at.Ordinal, after);
        }

        var page = new List<OutboxMessage>();
        for (var i = first; i < lives.Count && page.Count < take; i++)
        {
            page.AddRange(await OfLifeAsync(events, lives[i], i == first ? afterPlace : null, take - page.Count, cancellationToken));
        }

        return [.. page.Select(o => new StoredEvent(o.Id, o.Type, o.OccurredAt, o.ActorId, Data(o.Payload)))];
    }

    /// <summary>
    /// Every life of the id that a deletion from this workspace ended, in the order of those
    /// deletions. A deletion carries its life's creation time; one stored before events carried it
    /// began its life at the latest creation before it, and after the deletion before it.
    /// </summary>
    public async Task<IReadOnlyList<SessionLife>> DeletedFromWorkspaceAsync(Guid sessionId, Guid workspaceId, CancellationToken cancellationToken)
    {
        var ends = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.AggregateId == sessionId && (o.Type == nameof(SessionDeleted) || o.Type == nameof(SessionCreated)))
            .Select(o => new { o.Type, o.OccurredAt, o.LifeCreatedAt, Payload = o.Type == nameof(SessionDeleted) ? o.Payload : null })
            .ToListAsync(cancellationToken);
        // A life whose creation left no event (from before the outbox kept them) would otherwise
        // reach back over earlier lives.
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

            if (deleted.LifeCreatedAt is { } createdAt)
            {
                lives.Add(new SessionLife(createdAt, deleted.OccurredAt));
                continue;
            }

            var created = creations.Where(at => at <= deleted.OccurredAt).DefaultIfEmpty(DateTime.MinValue).Max();
            // Events are stamped in whole microseconds, the finest instant every database keeps.
            var afterPrevious = i == 0 ? DateTime.MinValue : deletions[i - 1].OccurredAt.AddTicks(TimeSpan.TicksPerMicrosecond);
            lives.Add(new SessionLife(created > afterPrevious ? created : afterPrevious, deleted.OccurredAt));
        }

        return lives;
    }

    /// <summary>The index of the life an event is of (by the life it carries, else by its time); -1 when none of these.</summary>
    private static int IndexOfLife(IReadOnlyList<SessionLife> lives, DateTime? lifeCreatedAt, DateTime occurredAt)
    {
        for (var i = 0; i < lives.Count; i++)
        {
            if (lifeCreatedAt is { } created ? created == lives[i].From : lives[i].Holds(occurredAt))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// At most <paramref name="take"/> events of one life, after the event at <paramref name="after"/>
    /// when given: those that carry
    /// its creation time, and those stored without it (before events carried it, or by an instance
    /// not yet upgraded while a deployment rolls) that fall within its span. A living life's span
    /// ends at a later creation of another life, read in a statement of its own only when the page
    /// holds an event without a life (once, not per event).
    /// </summary>
    private static async Task<List<OutboxMessage>> OfLifeAsync(IQueryable<OutboxMessage> events, SessionLife life, EventPlace? after, int take, CancellationToken cancellationToken)
    {
        var from = life.From;
        // Events are stamped in whole microseconds: before the next one is at or before the deletion.
        DateTime? end = life.To?.AddTicks(TimeSpan.TicksPerMicrosecond);
        var page = await PageOfAsync(events, from, end, after, take, cancellationToken);
        if (life.To is not null || page.TrueForAll(o => o.LifeCreatedAt is not null))
        {
            return page;
        }

        end = await events
            .Where(later => later.Type == nameof(SessionCreated) && later.LifeCreatedAt != from && later.OccurredAt > from)
            .MinAsync(later => (DateTime?)later.OccurredAt, cancellationToken);
        return end is null ? page : await PageOfAsync(events, from, end, after, take, cancellationToken);
    }

    /// <summary>The events that carry the life created at <paramref name="from"/>, or carry none and fall from it to before <paramref name="end"/> (no end when null).</summary>
    private static Task<List<OutboxMessage>> PageOfAsync(IQueryable<OutboxMessage> events, DateTime from, DateTime? end, EventPlace? after, int take, CancellationToken cancellationToken)
    {
        var inLife = events.Where(o => o.LifeCreatedAt == from || (o.LifeCreatedAt == null && o.OccurredAt >= from && (end == null || o.OccurredAt < end)));
        if (after is var (time, ordinal, id))
        {
            inLife = inLife.Where(o => o.OccurredAt > time
                || (o.OccurredAt == time && (o.Ordinal > ordinal || (o.Ordinal == ordinal && o.Id.CompareTo(id) > 0))));
        }

        return inLife.OrderBy(o => o.OccurredAt).ThenBy(o => o.Ordinal).ThenBy(o => o.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>An event's place in the trail's order.</summary>
    private sealed record EventPlace(DateTime OccurredAt, int Ordinal, Guid Id);

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
