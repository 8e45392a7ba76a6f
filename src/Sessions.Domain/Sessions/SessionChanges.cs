namespace Sessions.Domain.Sessions;

/// <summary>A partial update: a null field is left as it is; labels replace the whole map.</summary>
public sealed record SessionChanges(
    string? Title = null,
    string? Model = null,
    string? Agent = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Labels = null,
    int? MessageCount = null,
    SessionVisibility? Visibility = null,
    Guid? GroupId = null);
