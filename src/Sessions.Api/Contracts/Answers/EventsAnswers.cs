using System.Text.Json;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary><c>next_after_id</c> is the id to pass as <c>after_id</c> for the next page (null when the page is empty).</summary>
public sealed record SessionEventPage(
    IReadOnlyList<SessionEventView> Events,
    bool HasMore,
    Guid? NextAfterId)
{
    public static SessionEventPage From(App.Events.SessionEventPage source) => new(
        [.. source.Events.Select(SessionEventView.From)],
        source.HasMore,
        source.NextAfterId);
}

/// <summary>One event of the trail: who (null for a user no longer known) did what, when, with the event's own data.</summary>
public sealed record SessionEventView(
    Guid Id,
    string Type,
    DateTime OccurredAt,
    UserChip? Actor,
    JsonElement Data)
{
    public static SessionEventView From(App.Events.SessionEventView source) => new(
        source.Id,
        source.Type,
        source.OccurredAt,
        source.Actor is null ? null : UserChip.From(source.Actor),
        source.Data);
}
