using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Telemetry;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Common.Behaviors;

/// <summary>
/// Per message: a span named after it (with its outcome, and the session it names when it names
/// one), one structured log line (name, outcome, elapsed time) and a count by name and outcome.
/// A message whose caller went away (its request aborted, so its token canceled) is outcome
/// <c>Canceled</c>, logged as information: not a failure of the service, whether it ended by the
/// cancellation itself or by a statement the database stopped for it (classified as timed out).
/// Nor is a duplicate key the database refused, a create that lost a race for its id: its outcome
/// is the error it becomes (<see cref="ErrorTranslationBehavior{TMessage, TResponse}"/>). Every other exception stays a
/// failure, logged as an error with it: a database that cannot be reached or did not answer in
/// time, and a collision that outlasted the unit of work's reruns (which load under the lock, so
/// one that escapes them is a defect to look at).
/// </summary>
public sealed partial class TelemetryBehavior<TMessage, TResponse>(ILogger<TelemetryBehavior<TMessage, TResponse>> logger, IDatabaseErrorClassifier classifier)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IResult<TResponse>
{
    private static readonly string MessageName = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var activity = SessionsTelemetry.Source.StartActivity(MessageName, ActivityKind.Internal);
        if (activity is not null && message is ISessionRequest { Session: var session })
        {
            if (session.Id is { } id)
            {
                activity.SetTag("sessions.session_id", id.ToString());
            }
            else
            {
                activity.SetTag("sessions.session_prefix", session.Prefix);
            }
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var outcome = response.Error is { } error ? error.Type.ToString() : "Success";
            LogHandled(logger, MessageName, outcome, elapsedMs);
            Record(activity, outcome);
            return response;
        }
        catch (Exception exception)
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var refusal = classifier.Classify(exception);
            if (cancellationToken.IsCancellationRequested && (exception is OperationCanceledException || refusal is { Type: ErrorType.DependencyTimedOut }))
            {
                // Canceled by the token itself, or a statement the database stopped on it.
                LogCanceled(logger, MessageName, elapsedMs);
                Record(activity, "Canceled");
            }
            else if (refusal is { Type: ErrorType.AlreadyExists })
            {
                var outcome = refusal.Type.ToString();
                LogHandled(logger, MessageName, outcome, elapsedMs);
                Record(activity, outcome);
            }
            else
            {
                LogFailed(logger, exception, MessageName, elapsedMs);
                LoggedFailures.Mark(exception);
                Record(activity, "Exception");
                activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            }

            throw;
        }
    }

    /// <summary>The message's outcome, counted by name and outcome and set on its span.</summary>
    private static void Record(Activity? activity, string outcome)
    {
        SessionsTelemetry.Handled(MessageName, outcome);
        activity?.SetTag("sessions.outcome", outcome);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Handled {MessageName}: {Outcome} in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string messageName, string outcome, double elapsedMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Failed {MessageName} after {ElapsedMs:0.0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string messageName, double elapsedMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Canceled {MessageName} after {ElapsedMs:0.0} ms: the caller went away")]
    private static partial void LogCanceled(ILogger logger, string messageName, double elapsedMs);
}
