namespace Sessions.Domain.Sessions;

/// <summary>What a client says about an item a run produced, before the session records it.</summary>
public sealed record ItemDraft(
    string ItemType,
    string DataJson,
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
    string? DispositionJson);

/// <summary>The item a session answers for a draft, and whether it was recorded just now (false: it was stored before under the same dedupe key).</summary>
public sealed record ItemRecording(SessionItem Item, bool Created);

/// <summary>
/// Something a run produced inside a session: a finding, a file, a score, an artifact. Items live
/// outside the session aggregate's memory (a session can have many); the session records them, and
/// only while it is not frozen. They go when their session is deleted.
/// </summary>
public sealed class SessionItem : ISessionRow
{
    // Stryker disable all : the constructor EF Core materializes rows with; every value set here is overwritten from the row
    private SessionItem()
    {
        ItemType = string.Empty;
        DataJson = "{}";
    }
    // Stryker restore all

    internal SessionItem(Guid sessionId, Guid organizationId, ItemDraft draft, Guid createdBy, DateTime createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        SessionId = sessionId;
        OrganizationId = organizationId;
        ItemType = draft.ItemType;
        DataJson = draft.DataJson;
        Title = draft.Title;
        DedupeKey = draft.DedupeKey;
        Ref = draft.Ref;
        SchemaRef = draft.SchemaRef;
        Source = draft.Source;
        Capability = draft.Capability;
        CapabilityVersion = draft.CapabilityVersion;
        ProjectId = draft.ProjectId;
        SpanId = draft.SpanId;
        TraceId = draft.TraceId;
        DispositionJson = draft.DispositionJson;
        CreatedBy = createdBy;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string ItemType { get; private set; }

    /// <summary>A JSON object, stored as the client sent it.</summary>
    public string DataJson { get; private set; }

    public string? Title { get; private set; }

    /// <summary>Recording an item with a key the session already has records nothing: the stored item stands.</summary>
    public string? DedupeKey { get; private set; }

    public string? Ref { get; private set; }

    public string? SchemaRef { get; private set; }

    public ItemSource Source { get; private set; }

    public string? Capability { get; private set; }

    public string? CapabilityVersion { get; private set; }

    public Guid? ProjectId { get; private set; }

    public string? SpanId { get; private set; }

    public string? TraceId { get; private set; }

    /// <summary>A JSON object, or null.</summary>
    public string? DispositionJson { get; private set; }

    /// <summary>The user who recorded it; null once that user is gone.</summary>
    public Guid? CreatedBy { get; private set; }

    public DateTime CreatedAt { get; private set; }
}
