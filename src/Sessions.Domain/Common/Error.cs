namespace Sessions.Domain.Common;

/// <summary>
/// One problem with one input: where it is (member names of the input, <see cref="FieldKey"/>s of the
/// client's data, indexes), a message, and what kind of problem it is.
/// </summary>
public sealed record FieldError(IReadOnlyList<object> Path, string Message, FieldProblem Problem);

/// <summary>
/// A failure as a value: its kind, a human message and, for input that breaks a rule, field
/// errors. A failure a domain rule gives also carries the rule's <see cref="Code"/> (see <see cref="DomainErrors"/>).
/// </summary>
public sealed record Error(ErrorType Type, string Message, IReadOnlyList<FieldError>? Fields = null)
{
    /// <summary>The name of the domain rule that refused, or null for failures outside the domain.</summary>
    public string? Code { get; init; }

    public static Error NotFound(string message) => new(ErrorType.NotFound, message);

    public static Error Conflict(string message) => new(ErrorType.Conflict, message);

    public static Error Forbidden(string message) => new(ErrorType.PermissionDenied, message);

    public static Error Validation(IReadOnlyList<FieldError> fields) =>
        new(ErrorType.Validation, "Validation failed", fields);

    public static Error Validation(string field, string message, FieldProblem problem) =>
        Validation([new FieldError([field], message, problem)]);
}
