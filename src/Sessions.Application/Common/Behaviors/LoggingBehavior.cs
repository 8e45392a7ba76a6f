using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using Sessions.Domain.Common;

namespace Sessions.Application.Common.Behaviors;

/// <summary>One structured log line per message: its name, its outcome and how long it took.</summary>
public sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IResult<TResponse>
{
    private static readonly string MessageName = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var outcome = response.Error is { } error ? error.Type.ToString() : "Success";
            LogHandled(logger, MessageName, outcome, elapsedMs);

            return response;
        }
        catch (Exception exception)
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogFailed(logger, exception, MessageName, elapsedMs);
            throw;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Handled {MessageName}: {Outcome} in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string messageName, string outcome, double elapsedMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Failed {MessageName} after {ElapsedMs:0.0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string messageName, double elapsedMs);
}
