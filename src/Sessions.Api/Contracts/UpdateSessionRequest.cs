using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Application.Sessions.Bulk;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Contracts;

/// <summary>The body of <c>PATCH .../sessions/{session_id}</c>: a missing or null field is left as it is.</summary>
public sealed record UpdateSessionRequest
{
    [MaxChars(FieldLimits.SessionTitle)]
    public string? Title { get; init; }

    [MaxChars(FieldLimits.SessionModel, Minimum = 1)]
    public string? Model { get; init; }

    [MaxChars(FieldLimits.SessionAgent)]
    public string? Agent { get; init; }

    /// <summary>Replaces the whole label map.</summary>
    [LabelMap]
    public LabelDictionary? Labels { get; init; }

    [NumberRange(0)]
    public int? MessageCount { get; init; }

    /// <summary>Only <c>private</c> to <c>workspace</c>; the reverse is 409 <c>conflict</c>.</summary>
    public SessionVisibility? Visibility { get; init; }

    /// <summary>A session group of this workspace the session joins (422 otherwise).</summary>
    public Guid? GroupId { get; init; }
}

/// <summary>The body of the bulk actions: 1 to 200 full session UUIDs.</summary>
public sealed record BulkSessionsRequest
{
    [RequiredField]
    [Count(1, BulkSessionsValidator<BulkFreezeCommand>.MaxIds)]
    public List<Guid>? SessionIds { get; init; }
}
