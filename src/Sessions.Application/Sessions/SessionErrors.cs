using Sessions.Domain.Common;

namespace Sessions.Application.Sessions;

/// <summary>The session failures every handler answers with the same words.</summary>
public static class SessionErrors
{
    public static Error NotFound { get; } = Error.NotFound("Session not found.");

    public static Error NotChangeable { get; } =
        Error.Forbidden("Only the session's owner or a workspace admin may change it, and viewers change nothing.");

    public static Error Ambiguous(int matches) =>
        new(ErrorType.AmbiguousSessionId, $"The session id prefix matches {matches} sessions; give more characters.");
}
