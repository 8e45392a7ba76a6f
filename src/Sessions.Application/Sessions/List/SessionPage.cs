namespace Sessions.Application.Sessions.List;

/// <summary>The list envelope (CONTRACT §5.4).</summary>
public sealed record SessionPage(
    IReadOnlyList<SessionView> Sessions,
    long Total,
    int Page,
    int Limit,
    long TotalPages,
    bool HasNext,
    bool HasPrevious);
