using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Sessions.Api.Controllers;

namespace Sessions.Api.Errors;

/// <summary>
/// Answers the framework produced without a body (unknown route, wrong method, wrong media type)
/// get the envelope. A route under <c>/api/v{version}/</c> whose version the service does not
/// offer (in any letter case, as routing reads the path) is 400 <c>unsupported_api_version</c>
/// rather than the versioning library's bare 404. A wrong method on a literal resource
/// (<c>.../sessions/facets</c>) names the methods that resource takes in <c>Allow</c>; every 405
/// names in its detail the methods its <c>Allow</c> does.
/// </summary>
public static partial class StatusCodeEnvelopes
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        if (status == StatusCodes.Status404NotFound && UnsupportedVersion(http.Request.Path) is { } version)
        {
            var supported = string.Join(", ", ApiVersions.Supported);
            return ErrorResponses.WriteAsync(http, new ErrorEnvelope(
                StatusCodes.Status400BadRequest,
                $"API version '{version}' is not supported; supported versions: {supported}.",
                ErrorTypes.UnsupportedApiVersion));
        }

        // Routing's Allow names every candidate route's methods, the {session_id} routes' too. A
        // wrong method on a literal resource whose body is no JSON (PATCH .../facets with no body)
        // meets the {session_id} route's media type check first: the method is what is wrong.
        if (status is StatusCodes.Status405MethodNotAllowed or StatusCodes.Status415UnsupportedMediaType
            && http.RequestServices.GetRequiredService<LiteralRoutes>().MethodNotAllowed(http) is { } wrongMethod)
        {
            return ErrorResponses.WriteAsync(http, wrongMethod);
        }

        if (status == StatusCodes.Status405MethodNotAllowed && http.Response.Headers.Allow.ToString() is { Length: > 0 } allowed)
        {
            return ErrorResponses.WriteAsync(http, ErrorResponses.WrongMethod(http.Request.Method, allowed));
        }

        return ErrorResponses.WriteAsync(http, ErrorResponses.ForStatus(status));
    }

    private static string? UnsupportedVersion(PathString path)
    {
        var match = VersionSegment().Match(path.Value ?? string.Empty);
        if (!match.Success)
        {
            return null;
        }

        var requested = match.Groups[1].Value;
        return ApiVersions.Supported.Any(v => v == requested || $"{v}.0" == requested) ? null : requested;
    }

    [GeneratedRegex("^/api/v([^/]+)/", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex VersionSegment();
}
