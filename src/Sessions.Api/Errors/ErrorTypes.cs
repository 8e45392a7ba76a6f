using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>The one place where failures become HTTP status codes and envelope <c>type</c>s.</summary>
public static class ErrorTypes
{
    public const string InvalidRequest = "invalid_request";
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedApiVersion = "unsupported_api_version";
    public const string Authentication = "authentication_error";
    public const string PermissionDenied = "permission_denied";
    public const string NotFound = "not_found";
    public const string Validation = "validation_error";
    public const string UpgradeRequired = "upgrade_required";
    public const string RateLimited = "rate_limited";
    public const string Internal = "internal_error";
    public const string ServiceUnavailable = "service_unavailable";
    public const string ValueError = "value_error";

    // A query, route or JSON value of the wrong kind, named by what it should have been (these
    // come from binding, which no validator's FieldProblem describes).
    public const string NotAUuid = "uuid_parsing";
    public const string NotAString = "string_type";
    public const string NotABoolean = "bool_parsing";
    public const string NotAnInteger = "int_parsing";
    public const string NotANumber = "float_parsing";
    public const string NotAMap = "dict_type";

    public static (int Status, string Type) For(ErrorType type) => type switch
    {
        ErrorType.AmbiguousSessionId => (StatusCodes.Status400BadRequest, "ambiguous_session_id"),
        ErrorType.Unauthenticated => (StatusCodes.Status401Unauthorized, Authentication),
        ErrorType.PermissionDenied => (StatusCodes.Status403Forbidden, PermissionDenied),
        ErrorType.NotFound => (StatusCodes.Status404NotFound, NotFound),
        ErrorType.AlreadyExists => (StatusCodes.Status409Conflict, "already_exists"),
        ErrorType.SessionFrozen => (StatusCodes.Status409Conflict, "session_frozen"),
        ErrorType.Conflict => (StatusCodes.Status409Conflict, "conflict"),
        ErrorType.PreconditionFailed => (StatusCodes.Status412PreconditionFailed, "precondition_failed"),
        ErrorType.Validation => (StatusCodes.Status422UnprocessableEntity, Validation),
        ErrorType.DependencyUnavailable => (StatusCodes.Status502BadGateway, "bad_gateway"),
        ErrorType.DependencyTimedOut => (StatusCodes.Status504GatewayTimeout, "gateway_timeout"),
        _ => (StatusCodes.Status500InternalServerError, Internal),
    };

    /// <summary>The <c>type</c> of one field's problem in the envelope's <c>errors</c>.</summary>
    public static string For(FieldProblem problem) => problem switch
    {
        FieldProblem.Missing => "missing",
        FieldProblem.NotAnObject => "model_type",
        FieldProblem.NotAList => "list_type",
        FieldProblem.NotAllowedValue => "enum",
        FieldProblem.PatternMismatch => "string_pattern_mismatch",
        FieldProblem.TooShort => "too_short",
        FieldProblem.TooLong => "too_long",
        FieldProblem.StringTooShort => "string_too_short",
        FieldProblem.StringTooLong => "string_too_long",
        FieldProblem.ListLength => "list_length",
        FieldProblem.BelowMinimum => "greater_than_equal",
        FieldProblem.AboveMaximum => "less_than_equal",
        FieldProblem.TooManyDecimalPlaces => "decimal_max_places",
        FieldProblem.NotATimestamp => "datetime_parsing",
        _ => ValueError,
    };

    /// <summary>The envelope type for a status the framework produced on its own.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => Authentication,
        StatusCodes.Status403Forbidden => PermissionDenied,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status422UnprocessableEntity => Validation,
        StatusCodes.Status426UpgradeRequired => UpgradeRequired,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        >= 500 => Internal,
        _ => InvalidRequest,
    };

    /// <summary>A default message for a status the framework produced on its own.</summary>
    public static string DetailForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status401Unauthorized => "Authentication failed: send a valid bearer token.",
        StatusCodes.Status403Forbidden => "Access forbidden.",
        StatusCodes.Status404NotFound => "Nothing is at this path: the API's routes are under /api/v1/org/{org}/ws/{workspace}/sessions, described at /swagger.",
        StatusCodes.Status405MethodNotAllowed => "This method is not allowed on this resource.",
        StatusCodes.Status406NotAcceptable => "The requested media type cannot be produced; accept application/json.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type: send application/json.",
        StatusCodes.Status429TooManyRequests => "Too many requests; retry later.",
        _ => "The request could not be processed.",
    };
}
