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
    DatabaseUnavailable,
    DatabaseTimeout,
}
