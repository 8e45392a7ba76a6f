using System.Diagnostics;

namespace Sessions.Api.Operations;

/// <summary>
/// One structured line per request, written when it ends: method, route template (never the raw
/// path with its ids), status, elapsed time, principal and correlation id.
/// </summary>
public sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationIds.Establish(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            var principal = Principal(context);
            LogRequest(logger, context.Request.Method, route, context.Response.StatusCode, elapsedMs, principal, correlationId);
        }
    }

    /// <summary>The authenticated subject, or <c>anonymous</c>.</summary>
    public static string Principal(HttpContext context) => context.User.FindFirst("sub")?.Value ?? "anonymous";

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms for {PrincipalId} ({CorrelationId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double elapsedMs, string principalId, string correlationId);
}

/// <summary>Puts the principal and correlation id on every log line written while the request runs (the command lines among them).</summary>
public sealed class RequestLogScope(RequestDelegate next, ILogger<RequestLogScope> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using (logger.BeginScope(new Dictionary<string, object>
        {
            ["PrincipalId"] = RequestLogging.Principal(context),
            ["CorrelationId"] = context.TraceIdentifier,
        }))
        {
            await next(context);
        }
    }
}
