using Microsoft.AspNetCore.Routing.Template;

namespace Sessions.Api.Errors;

/// <summary>
/// The methods of the routes without a <c>{session_id}</c> that a request's path names. Routing
/// offers <c>DELETE .../sessions/usage</c> to the <c>{session_id}</c> route, since no literal
/// route takes that method; when its segment is no session reference, the request was meant for
/// the literal resource, and the answer is 405 with the methods it does take (CONTRACT §2).
/// </summary>
public sealed class LiteralRoutes(EndpointDataSource endpoints)
{
    private IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>? _routes;

    /// <summary>The methods the literal routes matching <paramref name="path"/> take; empty when none matches.</summary>
    public IReadOnlyList<string> MethodsFor(PathString path)
    {
        _routes ??= Build(endpoints);
        return [.. _routes
            .Where(route => route.Matcher.TryMatch(path, []))
            .SelectMany(route => route.Methods)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The 405 of a wrong method on a literal resource the request's path names: <c>Allow</c> set to
    /// the methods it takes, and the envelope saying so; null when no literal route matches the path,
    /// or the resource takes the method.
    /// </summary>
    public ErrorEnvelope? MethodNotAllowed(HttpContext http)
    {
        var allowed = MethodsFor(http.Request.Path);
        if (allowed.Count == 0 || allowed.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var methods = string.Join(", ", allowed);
        http.Response.Headers.Allow = methods;
        return ErrorResponses.WrongMethod(http.Request.Method, methods);
    }

    private static List<(TemplateMatcher, IReadOnlyList<string>)> Build(EndpointDataSource endpoints) =>
    [
        .. endpoints.Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.GetParameter("session_id") is null && endpoint.RoutePattern.RawText is not null)
            .Select(endpoint => (endpoint, methods: endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods))
            .Where(route => route.methods is { Count: > 0 })
            .Select(route => (new TemplateMatcher(TemplateParser.Parse(route.endpoint.RoutePattern.RawText!), []), route.methods!)),
    ];
}
