using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Sessions.Api.Operations;

/// <summary>
/// One structured line per request, written when it ends: method, route template (never the raw
/// path with its ids), status, elapsed time, principal and correlation id. A request whose
/// connection was aborted before its answer ended (its client left, or the server cut it) is logged
/// as cut (the status is then only what the answer began with); health and metrics requests
/// answered 2xx at Debug, as probes call them every few seconds. An answer that fails after it
/// began (a listing written while read, whose database goes away midway) cannot become an error
/// envelope: its connection is closed, so that the client cannot take the part sent for the whole,
/// its line is the request's one error entry, with the exception, and its duration metric and span
/// carry the error's type as they do for an exception that reaches the server.
/// </summary>
public sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = CorrelationIds.Establish(context);
        var started = Stopwatch.GetTimestamp();
        Exception? failedMidway = null;
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            failedMidway = exception;
            // What the hosting layer records of an exception that reaches it, which this one no longer does.
            context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new("error.type", exception.GetType().FullName));
            context.Features.Get<IHttpActivityFeature>()?.Activity.SetTag("error.type", exception.GetType().FullName).SetStatus(ActivityStatusCode.Error, exception.GetType().FullName);
            context.Abort();
        }
        finally
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            var principal = Principal(context);
            var status = context.Response.StatusCode;
            if (failedMidway is not null)
            {
                LogFailedMidway(logger, failedMidway, context.Request.Method, route, status, elapsedMs, principal, correlationId);
            }
            else if (context.RequestAborted.IsCancellationRequested)
            {
                LogCut(logger, context.Request.Method, route, status, elapsedMs, principal, correlationId);
            }
            else if (status < StatusCodes.Status300MultipleChoices && Telemetry.IsOperational(context.Request.Path))
            {
                LogProbe(logger, context.Request.Method, route, status, elapsedMs, principal, correlationId);
            }
            else
            {
                LogRequest(logger, context.Request.Method, route, status, elapsedMs, principal, correlationId);
            }
        }
    }

    /// <summary>The authenticated subject, or <c>anonymous</c>.</summary>
    public static string Principal(HttpContext context) => context.User.FindFirst("sub")?.Value ?? "anonymous";

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms for {PrincipalId} ({CorrelationId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double elapsedMs, string principalId, string correlationId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "HTTP {Method} {Route} was cut: its connection was aborted after {ElapsedMs:0.0} ms, before the answer ({StatusCode}) ended, for {PrincipalId} ({CorrelationId})")]
    private static partial void LogCut(ILogger logger, string method, string route, int statusCode, double elapsedMs, string principalId, string correlationId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "HTTP {Method} {Route} failed after its answer ({StatusCode}) began, in {ElapsedMs:0.0} ms, for {PrincipalId} ({CorrelationId}); its connection was closed")]
    private static partial void LogFailedMidway(ILogger logger, Exception exception, string method, string route, int statusCode, double elapsedMs, string principalId, string correlationId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Debug, Message = "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms for {PrincipalId} ({CorrelationId})")]
    private static partial void LogProbe(ILogger logger, string method, string route, int statusCode, double elapsedMs, string principalId, string correlationId);
}

/// <summary>
/// Puts the principal and correlation id on every log line written while the request runs (the
/// command lines among them): as properties for a structured logger, and as text
/// (<c>PrincipalId:... CorrelationId:...</c>) for the console's text format, which writes a scope by its text.
/// </summary>
public sealed class RequestLogScope(RequestDelegate next, ILogger<RequestLogScope> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using (logger.BeginScope(new Values(RequestLogging.Principal(context), context.TraceIdentifier)))
        {
            await next(context);
        }
    }

    /// <summary>The scope's two properties, and its text.</summary>
    private sealed class Values(string principalId, string correlationId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("PrincipalId", principalId),
            1 => new("CorrelationId", correlationId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"PrincipalId:{principalId} CorrelationId:{correlationId}";
    }
}
