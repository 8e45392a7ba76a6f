using System.Text.Json;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Items;

/// <summary>A stored item (CONTRACT §5.7): what was sent, plus its id, session, organization and creation.</summary>
public sealed record ItemView(
    Guid Id,
    Guid SessionId,
    Guid OrganizationId,
    string ItemType,
    JsonElement Data,
    string? Title,
    string? DedupeKey,
    string? Ref,
    string? SchemaRef,
    ItemSource Source,
    string? Capability,
    string? CapabilityVersion,
    Guid? ProjectId,
    string? SpanId,
    string? TraceId,
    JsonElement? Disposition,
    DateTime CreatedAt,
    Guid? CreatedBy)
{
    public static ItemView From(SessionItem item) => new(
        item.Id,
        item.SessionId,
        item.OrganizationId,
        item.ItemType,
        Parse(item.DataJson),
        item.Title,
        item.DedupeKey,
        item.Ref,
        item.SchemaRef,
        item.Source,
        item.Capability,
        item.CapabilityVersion,
        item.ProjectId,
        item.SpanId,
        item.TraceId,
        item.DispositionJson is null ? null : Parse(item.DispositionJson),
        item.CreatedAt,
        item.CreatedBy);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// The answer of recording an item: the item as stored, whether this request stored it (201) or
/// found it by its dedupe key (200), and the session's version after it (its ETag).
/// </summary>
public sealed record RecordedItem(ItemView Item, bool Created, long SessionVersion);

/// <summary>The items of a session, newest first, read a page at a time while they are written (<see cref="ListItemsHandler.PageSize"/>).</summary>
public sealed record ItemList(IAsyncEnumerable<ItemView> Items);
