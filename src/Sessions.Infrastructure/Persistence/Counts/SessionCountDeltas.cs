using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence.Counts;

/// <summary>
/// What a save changes in <see cref="SessionCount"/>: for every added, changed or deleted session,
/// minus one for each count its stored state was in, plus one for each its new state is in. Read
/// from the change tracker's original and current values (the labels from the session's map, which
/// a command has at hand without the label rows), so it is exact for every kind of change
/// (create, update, share, archive, append with a new agent or model, delete) without the handlers
/// knowing the counts exist. A session's deltas go to its part of each count (<see cref="CountParts"/>).
/// </summary>
internal static class SessionCountDeltas
{
    public static IReadOnlyList<SessionCount> Collect(ChangeTracker tracker, int parts)
    {
        var sessions = tracker.Entries<Session>().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList();
        if (sessions.Count == 0)
        {
            return [];
        }

        var deltas = new Dictionary<CountKey, long>();
        foreach (var entry in sessions)
        {
            var session = entry.Entity;
            var part = CountParts.Of(session.Id, parts);
            if (entry.State is not EntityState.Added)
            {
                var original = entry.OriginalValues;
                Add(deltas, -1, part, new Footprint(
                    session.WorkspaceId,
                    (Guid)original[nameof(Session.UserId)]!,
                    (SessionVisibility)original[nameof(Session.Visibility)]! == SessionVisibility.Workspace,
                    original[nameof(Session.ArchivedAt)] is not null,
                    (SessionOrigin)original[nameof(Session.Origin)]!,
                    (string?)original[nameof(Session.Agent)],
                    (string)original[nameof(Session.Model)]!,
                    [.. LabelBits.Pairs((IReadOnlyDictionary<string, IReadOnlyList<string>>)original[nameof(Session.LabelMap)]!)]));
            }

            if (entry.State is not EntityState.Deleted)
            {
                Add(deltas, +1, part, new Footprint(
                    session.WorkspaceId,
                    session.UserId,
                    session.Visibility == SessionVisibility.Workspace,
                    session.ArchivedAt is not null,
                    session.Origin,
                    session.Agent,
                    session.Model,
                    [.. LabelBits.Pairs(session.LabelMap)]));
            }
        }

        return [.. deltas
            .Where(d => d.Value != 0)
            .OrderBy(d => (d.Key.WorkspaceId, d.Key.OwnerId, d.Key.Shared, d.Key.Archived))
            .ThenBy(d => d.Key.Origin, StringComparer.Ordinal)
            .ThenBy(d => d.Key.Dimension, StringComparer.Ordinal)
            .ThenBy(d => d.Key.Key, StringComparer.Ordinal)
            .ThenBy(d => d.Key.Value, StringComparer.Ordinal)
            .ThenBy(d => d.Key.Part)
            .Select(d => new SessionCount
            {
                WorkspaceId = d.Key.WorkspaceId,
                OwnerId = d.Key.OwnerId,
                Shared = d.Key.Shared,
                Archived = d.Key.Archived,
                Origin = d.Key.Origin,
                Dimension = d.Key.Dimension,
                Key = d.Key.Key,
                Value = d.Key.Value,
                Part = d.Key.Part,
                Count = d.Value,
            })];
    }

    private static void Add(Dictionary<CountKey, long> deltas, int sign, int part, Footprint footprint)
    {
        var origin = footprint.Origin.ToString();
        foreach (var (dimension, key, value) in footprint.Values())
        {
            var at = new CountKey(footprint.WorkspaceId, footprint.OwnerId, footprint.Shared ? 1 : 0, footprint.Archived ? 1 : 0, origin, dimension, key, value, part);
            deltas[at] = deltas.GetValueOrDefault(at) + sign;
        }
    }

    /// <summary>The key of one count row (<see cref="SessionCount"/>'s, in its columns' terms): a save's deltas are summed by it.</summary>
    private readonly record struct CountKey(Guid WorkspaceId, Guid OwnerId, int Shared, int Archived, string Origin, string Dimension, string Key, string Value, int Part);

    /// <summary>Everything about one state of a session that the counts look at.</summary>
    private sealed record Footprint(
        Guid WorkspaceId,
        Guid OwnerId,
        bool Shared,
        bool Archived,
        SessionOrigin Origin,
        string? Agent,
        string Model,
        IReadOnlyList<(string Key, string Value)> Labels)
    {
        public IEnumerable<(string Dimension, string Key, string Value)> Values()
        {
            yield return (Dimensions.Origin, string.Empty, Origin.ToString());
            yield return (Dimensions.User, string.Empty, OwnerId.ToString());
            yield return (Dimensions.Model, string.Empty, Model);
            if (Agent is not null)
            {
                yield return (Dimensions.Agent, string.Empty, Agent);
            }

            foreach (var (key, value) in Labels.Distinct())
            {
                yield return (Dimensions.Label, key, value);
            }
        }
    }
}
