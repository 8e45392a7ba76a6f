using Sessions.Api.Controllers;
using Sessions.Api.OpenApi;

namespace Sessions.Api.Operations;

/// <summary>
/// Headers every answer carries, error envelopes included: its correlation id;
/// <c>X-Content-Type-Options: nosniff</c>, so a browser never reads an answer's JSON (which may echo
/// what a client sent) as anything but its declared type; and, outside the API's documentation
/// (the OpenAPI document and Swagger UI's files, the same for everyone),
/// <c>Cache-Control: no-store</c>, since an answer holds one tenant's sessions, transcripts or
/// tokens and no browser or proxy cache should keep it on disk. Every answer under <c>/api</c>
/// reports the supported API versions (CONTRACT §1), set here since the versioning library sets
/// them only on a request it matched to an action: an unsupported version's 400, an unknown route's
/// 404, a 401, 405 or 415 went without them.
/// </summary>
public static class AnswerHeaders
{
    private static readonly string SupportedVersions = string.Join(", ", ApiVersions.Supported);

    public static void Set(HttpResponse response, string correlationId)
    {
        response.Headers[CorrelationIds.Header] = correlationId;
        response.Headers.XContentTypeOptions = "nosniff";
        if (!response.HttpContext.Request.Path.StartsWithSegments(DocumentationPaths.Root, StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.CacheControl = "no-store";
        }

        if (response.HttpContext.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers[ApiVersions.SupportedHeader] = SupportedVersions;
        }
    }
}
