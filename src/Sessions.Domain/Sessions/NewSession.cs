namespace Sessions.Domain.Sessions;

/// <summary>What a client chooses when it creates a session.</summary>
public sealed record NewSession(
    Guid Id,
    string Model,
    string? Title,
    string? Agent,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Labels,
    int MessageCount,
    SessionOrigin Origin,
    SessionVisibility Visibility,
    Guid? ProjectId,
    Guid? RuntimeId,
    Guid? GroupId);
