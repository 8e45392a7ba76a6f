using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Application.Common.Validation;
using Sessions.Application.Items;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Contracts;

/// <summary>The body of <c>POST .../sessions/{session_id}/items</c> (CONTRACT §5.7).</summary>
public sealed record RecordItemRequest
{
    /// <summary>What kind of item (1 to 64 characters), e.g. <c>finding</c>.</summary>
    [MaxChars(FieldLimits.ItemType, Minimum = 1)]
    [RequiredField]
    public string? ItemType { get; init; }

    /// <summary>The item itself: a JSON object of at most 1 MiB.</summary>
    [RequiredField]
    public ItemDataDictionary? Data { get; init; }

    [MaxChars(FieldLimits.ItemText)]
    public string? Title { get; init; }

    /// <summary>Posting the same key again in this session answers the stored item (200) and stores nothing.</summary>
    [MaxChars(FieldLimits.ItemText, Minimum = 1)]
    [Pattern(ValidationRules.NoTrailingSpacePattern)]
    public string? DedupeKey { get; init; }

    [MaxChars(FieldLimits.ItemReference)]
    public string? Ref { get; init; }

    [MaxChars(FieldLimits.ItemReference)]
    public string? SchemaRef { get; init; }

    /// <summary>Default <c>api</c>.</summary>
    public ItemSource? Source { get; init; }

    [MaxChars(FieldLimits.ItemText)]
    public string? Capability { get; init; }

    [MaxChars(FieldLimits.ItemText)]
    public string? CapabilityVersion { get; init; }

    public Guid? ProjectId { get; init; }

    [MaxChars(FieldLimits.ItemText)]
    public string? SpanId { get; init; }

    [MaxChars(FieldLimits.ItemText)]
    public string? TraceId { get; init; }

    /// <summary>A JSON object (at most 64 KiB), or null.</summary>
    public ItemDispositionDictionary? Disposition { get; init; }

    public ItemInput ToInput() => new(
        ItemType,
        FreeFormJson.Text(Data),
        Title,
        DedupeKey,
        Ref,
        SchemaRef,
        Source,
        Capability,
        CapabilityVersion,
        ProjectId,
        SpanId,
        TraceId,
        FreeFormJson.Text(Disposition));
}
