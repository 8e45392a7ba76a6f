using System.Text.Json;
using Sessions.Api.Json;
using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>Builds and writes envelopes; every error answer of the service goes through here.</summary>
public static class ErrorResponses
{
    private static readonly JsonSerializerOptions Json = JsonDefaults.Create();

    /// <summary>The envelope for an application failure; field paths get <paramref name="location"/> in front unless they name a route value.</summary>
    public static ErrorEnvelope FromError(Error error, string location)
    {
        var (status, type) = ErrorTypes.For(error.Type);
        var fields = error.Fields?.Select(field => new ErrorDetail(Locate(field.Path, location), field.Message, field.Type)).ToList();
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

    private static object[] Locate(IReadOnlyList<object> path, string location) =>
        path.Count > 0 && path[0] is string first && RouteParameters.Contains(first) ? ["path", .. path] : [location, .. path];

    private static readonly HashSet<string> RouteParameters = new(StringComparer.Ordinal) { "org", "workspace", "session_id" };
}
