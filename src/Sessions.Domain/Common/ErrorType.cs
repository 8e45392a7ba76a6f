namespace Sessions.Domain.Common;

/// <summary>The stable kinds of failure; the API maps each to a status code and envelope <c>type</c>.</summary>
public enum ErrorType
{
    AmbiguousSessionId,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    SessionFrozen,
    Conflict,
    PreconditionFailed,
    Validation,

    /// <summary>Something the service depends on could not be reached; the same request may succeed shortly.</summary>
    DependencyUnavailable,

    /// <summary>Something the service depends on did not answer in time; the same request may succeed shortly.</summary>
    DependencyTimedOut,
}
