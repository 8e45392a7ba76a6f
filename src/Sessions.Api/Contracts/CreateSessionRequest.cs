using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Contracts;

/// <summary>The body of <c>POST .../sessions</c>: the client chooses the id.</summary>
public sealed record CreateSessionRequest
{
    /// <summary>The session's UUID, chosen by the client.</summary>
    [RequiredField]
    public Guid? Id { get; init; }

    /// <summary>The model the session talks to (1 to 255 characters).</summary>
    [MaxChars(FieldLimits.SessionModel, Minimum = 1)]
    [RequiredField]
    public string? Model { get; init; }

    [MaxChars(FieldLimits.SessionTitle)]
    public string? Title { get; init; }

    [MaxChars(FieldLimits.SessionAgent)]
    public string? Agent { get; init; }

    /// <summary>Label keys with their values, e.g. <c>{"team": ["red"]}</c>.</summary>
    [LabelMap]
    public LabelDictionary? Labels { get; init; }

    /// <summary>A message count the client declares (default 0).</summary>
    [NumberRange(0)]
    public int? MessageCount { get; init; }

    /// <summary>Default <c>user</c>.</summary>
    public SessionOrigin? Origin { get; init; }

    /// <summary>Default <c>private</c>.</summary>
    public SessionVisibility? Visibility { get; init; }

    public Guid? ProjectId { get; init; }

    public Guid? RuntimeId { get; init; }

    public Guid? GroupId { get; init; }
}
