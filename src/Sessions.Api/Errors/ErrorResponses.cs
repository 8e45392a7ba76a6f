using System.Text.Json;
using Sessions.Api.Json;
using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>Builds and writes envelopes; every error answer of the service goes through here.</summary>
public static class ErrorResponses
{
    private static readonly JsonSerializerOptions Json = JsonDefaults.Create();

    /// <summary>
    /// The envelope for an application failure. A field path gets <c>path</c> in front when its
    /// first name is one of <paramref name="routeValues"/> (the request's route parameters), else
    /// <paramref name="location"/> (<c>body</c> or <c>query</c>).
    /// </summary>
    public static ErrorEnvelope FromError(Error error, string location, ICollection<string> routeValues)
    {
        error = DomainErrorWording.ForWire(error);
        var (status, type) = ErrorTypes.For(error.Type);
        var fields = error.Fields?.Select(field => new ErrorDetail(Locate(field.Path, location, routeValues), field.Message, ErrorTypes.For(field.Problem))).ToList();
        return new ErrorEnvelope(status, error.Message, type, fields);
    }

    public static ErrorEnvelope ForStatus(int status, string? detail = null) =>
        new(status, detail ?? ErrorTypes.DetailForStatus(status), ErrorTypes.ForStatus(status));

    /// <summary>A 405 whose detail names the methods the resource takes, as its <c>Allow</c> does.</summary>
    public static ErrorEnvelope WrongMethod(string method, string allowed) =>
        ForStatus(StatusCodes.Status405MethodNotAllowed, $"{method} is not allowed on this resource; it takes {allowed}.");

    public static async Task WriteAsync(HttpContext context, ErrorEnvelope envelope)
    {
        context.Response.StatusCode = envelope.Code;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, envelope, Json, context.RequestAborted);
    }

    private static object[] Locate(IReadOnlyList<object> path, string location, ICollection<string> routeValues)
    {
        var named = path.Select(segment => Name(segment, location)).ToArray();
        return named.Length > 0 && named[0] is string first && routeValues.Contains(first) ? ["path", .. named] : [location, .. named];
    }

    /// <summary>
    /// A path segment as the client wrote it: a member name in the wire's snake_case (or, in the
    /// query, the parameter's own name), a key of the client's data verbatim, an index as it is.
    /// </summary>
    private static object Name(object segment, string location) => segment switch
    {
        FieldKey key => key.Key,
        string member when location == "query" && QueryParameterNames.TryGetValue(member, out var parameter) => parameter,
        string member => JsonNamingPolicy.SnakeCaseLower.ConvertName(member),
        _ => segment,
    };

    /// <summary>The query parameters whose names are not their member's: a repeatable filter is named in the singular.</summary>
    private static readonly Dictionary<string, string> QueryParameterNames = new(StringComparer.Ordinal)
    {
        ["UserIds"] = "user_id",
        ["Users"] = "user",
        ["ProjectIds"] = "project_id",
        ["Agents"] = "agent",
        ["Models"] = "model",
        ["Origins"] = "origin",
        ["Labels"] = "label",
        ["Statuses"] = "status",
        ["Kinds"] = "kind",
    };
}
