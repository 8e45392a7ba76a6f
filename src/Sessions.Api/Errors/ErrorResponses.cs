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

    public static async Task WriteAsync(HttpContext context, ErrorEnvelope envelope)
    {
        context.Response.StatusCode = envelope.Code;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, envelope, Json, context.RequestAborted);
    }

    private static object[] Locate(IReadOnlyList<object> path, string location, ICollection<string> routeValues) =>
        path.Count > 0 && path[0] is string first && routeValues.Contains(first) ? ["path", .. path] : [location, .. path];
}
