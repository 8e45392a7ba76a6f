using Sessions.Domain.Sessions;

namespace Sessions.Application.Items;

/// <summary>An item as a client sends it (CONTRACT §5.7); <see cref="DataJson"/> and <see cref="DispositionJson"/> are JSON objects as text.</summary>
public sealed record ItemInput(
    string? ItemType,
    string? DataJson,
    string? Title,
    string? DedupeKey,
    string? Ref,
    string? SchemaRef,
    ItemSource? Source,
    string? Capability,
    string? CapabilityVersion,
    Guid? ProjectId,
    string? SpanId,
    string? TraceId,
    string? DispositionJson)
{
    public ItemDraft ToDraft() => new(
        ItemType!, DataJson!, Title, DedupeKey, Ref, SchemaRef, Source ?? ItemSource.Api, Capability, CapabilityVersion, ProjectId, SpanId, TraceId, DispositionJson);
}
