using Microsoft.AspNetCore.Http.Metadata;
using Sessions.Api.Operations;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Telemetry;
using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>
/// The last line: a request the framework rejects (413, 415, malformed input; a minimal endpoint's
/// body of the wrong shape is 422 as in MVC) gets its status as an envelope; a database outage gets 502/504; anything else is a 500 whose detail carries the
/// correlation id also written to the log with the exception. An outage and a 500 are logged as
/// errors here unless the request telemetry logged them already, in the request's scope with that
/// id: one error line per failure.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(
    RequestDelegate next,
    IDatabaseErrorClassifier classifier,
    RequestLimitSettings limits,
    ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Clear();
            AnswerHeaders.Set(context.Response, context.TraceIdentifier);
            await ErrorResponses.WriteAsync(context, ToEnvelope(context, exception));
        }
    }

    private ErrorEnvelope ToEnvelope(HttpContext context, Exception exception)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            return badRequest.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ErrorResponses.ForStatus(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {limits.MaxBodyBytes} bytes the service accepts."),
                StatusCodes.Status400BadRequest => InvalidModelStateResponses.ForBody(badRequest, context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType) ?? BrokenFraming,
                StatusCodes.Status408RequestTimeout => ErrorResponses.ForStatus(StatusCodes.Status408RequestTimeout, $"The request body arrived too slowly: one over {RequestLimits.LargeBodyBytes} bytes or of unknown length must arrive at {limits.LargeBodyMinBytesPerSecond} bytes a second at least, any other at 240; send it again over a faster connection."),
                _ => ErrorResponses.ForStatus(badRequest.StatusCode),
            };
        }

        if (exception is IOException { InnerException: OverflowException })
        {
            // Kestrel's reader of the chunked coding refuses a chunk size past 31 bits so, not as
            // the BadHttpRequestException of any other broken framing.
            return BrokenFraming;
        }

        var correlationId = context.TraceIdentifier;
        if (classifier.Classify(exception) is { } error)
        {
            // A database out of reach or out of time outside a command (a minimal endpoint, a
            // save outside the mediator) is the operator's to see; the request telemetry logs those
            // inside one. What the client is to fix or retry (a conflict, an unstorable value) is not.
            if (error.Type is ErrorType.DependencyUnavailable or ErrorType.DependencyTimedOut && !LoggedFailures.WasLogged(exception))
            {
                LogDatabaseFailure(logger, exception, correlationId);
            }

            return ErrorResponses.FromError(error, "body", context.Request.RouteValues.Keys);
        }

        if (!LoggedFailures.WasLogged(exception))
        {
            LogUnhandled(logger, exception, correlationId);
        }

        return ErrorResponses.ForStatus(StatusCodes.Status500InternalServerError, $"An unexpected error occurred. Correlation id: {correlationId}");
    }

    private static ErrorEnvelope BrokenFraming => ErrorResponses.ForStatus(StatusCodes.Status400BadRequest, "The request body could not be read: its framing (the chunked transfer coding or Content-Length) is broken; send the body again, framed as HTTP/1.1 asks.");

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unhandled exception; correlation id {CorrelationId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string correlationId);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "The database failed a request outside a command; correlation id {CorrelationId}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string correlationId);
}
