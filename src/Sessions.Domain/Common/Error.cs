namespace Sessions.Domain.Common;

/// <summary>One problem with one field: its path (names and indexes), a message, a machine type.</summary>
public sealed record FieldError(IReadOnlyList<object> Path, string Message, string Type);

/// <summary>A failure as a value: a stable type, a human message and, for validation, field errors.</summary>
public sealed record Error(ErrorType Type, string Message, IReadOnlyList<FieldError>? Fields = null)
{
    public static Error NotFound(string message) => new(ErrorType.NotFound, message);

    public static Error Conflict(string message) => new(ErrorType.Conflict, message);

    public static Error Forbidden(string message) => new(ErrorType.PermissionDenied, message);

    public static Error Validation(IReadOnlyList<FieldError> fields) =>
        new(ErrorType.Validation, "Validation failed", fields);

    public static Error Validation(string field, string message, string type) =>
        Validation([new FieldError([field], message, type)]);
}
