using Microsoft.AspNetCore.Http.Metadata;
using Sessions.Api.Operations;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Telemetry;

namespace Sessions.Api.Errors;

/// <summary>
/// The last line: a request the framework rejects (413, 415, malformed input; a minimal endpoint's
/// body of the wrong shape is 422 as in MVC) gets its status as an envelope; a database outage gets 502/504; anything else is a 500 whose detail carries the
/// correlation id also written to the log with the exception (unless the request telemetry logged
/// it already, in the request's scope with that id: one error line per failure).
/// </summary>
public sealed partial class ErrorHandlingMiddleware(
    RequestDelegate next,
    IDatabaseErrorClassifier classifier,
    IConfiguration configuration,
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
                StatusCodes.Status413PayloadTooLarge => ErrorResponses.ForStatus(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {RequestLimits.MaxRequestBodyBytes(configuration)} bytes the service accepts."),
                StatusCodes.Status400BadRequest => InvalidModelStateResponses.ForBody(badRequest, context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType)
                    ?? new ErrorEnvelope(StatusCodes.Status400BadRequest, "The request could not be read; send a well-formed JSON body.", ErrorTypes.MalformedJson),
                _ => ErrorResponses.ForStatus(badRequest.StatusCode),
            };
        }

        if (classifier.Classify(exception) is { } error)
        {
            return ErrorResponses.FromError(error, "body", context.Request.RouteValues.Keys);
        }

        var correlationId = context.TraceIdentifier;
        if (!LoggedFailures.WasLogged(exception))
        {
            LogUnhandled(logger, exception, correlationId);
        }

        return ErrorResponses.ForStatus(StatusCodes.Status500InternalServerError, $"An unexpected error occurred. Correlation id: {correlationId}");
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unhandled exception; correlation id {CorrelationId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string correlationId);
}
