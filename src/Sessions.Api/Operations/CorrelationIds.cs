using System.Diagnostics;

namespace Sessions.Api.Operations;

/// <summary>
/// Every request's correlation id is its trace id (W3C trace context): the caller's, when it sends
/// a <c>traceparent</c>, else a new one. It is sent back as <c>X-Correlation-Id</c> (with the
/// other <see cref="AnswerHeaders"/>), logged on
/// every line of the request, and named in the detail of a 500, so a log line, an answer and a
/// trace in the collector are found by the same id.
/// </summary>
public static class CorrelationIds
{
    public const string Header = "X-Correlation-Id";

    public static string Establish(HttpContext context)
    {
        var id = Activity.Current is { } activity ? activity.TraceId.ToHexString() : context.TraceIdentifier;
        context.TraceIdentifier = id;
        AnswerHeaders.Set(context.Response, id);
        return id;
    }
}
