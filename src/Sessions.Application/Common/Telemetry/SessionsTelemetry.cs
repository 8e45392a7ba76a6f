using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Application.Common.Telemetry;

/// <summary>
/// The service's own spans and metrics, in the BCL's types (no telemetry SDK here): one span per
/// mediator message, and counters of what the service did. The host decides what listens.
/// </summary>
public static class SessionsTelemetry
{
    public const string SourceName = "Sessions.Application";
    public const string MeterName = "Sessions";

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>(
        "sessions.commands", unit: "{command}", description: "Mediator messages handled, by message name and outcome.");

    private static readonly Counter<long> Frozen = Meter.CreateCounter<long>(
        "sessions.frozen", unit: "{session}", description: "Sessions frozen (a repeated freeze is not counted), by who froze them.");

    private static readonly Counter<long> MessagesAppended = Meter.CreateCounter<long>(
        "sessions.transcript.messages_appended", unit: "{message}", description: "Transcript messages stored (retried ones are not counted again).");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "sessions.rate_limit.rejections", unit: "{request}", description: "Requests refused by the rate limit (429).");

    public static void Handled(string messageName, string outcome) =>
        Commands.Add(1, new KeyValuePair<string, object?>("command", messageName), new KeyValuePair<string, object?>("outcome", outcome));

    public static void RateLimitRejected() => RateLimited.Add(1);

    /// <summary>Counts what a committed change did, from the domain events it stored.</summary>
    public static void Committed(IEnumerable<IDomainEvent> events)
    {
        foreach (var domainEvent in events)
        {
            switch (domainEvent)
            {
                case SessionFrozen frozen:
                    Frozen.Add(1, new KeyValuePair<string, object?>("frozen_by", frozen.FrozenBy.ToString().ToLowerInvariant()));
                    break;
                case TranscriptAppended appended:
                    MessagesAppended.Add(appended.LastSeq - appended.FirstSeq + 1);
                    break;
            }
        }
    }
}
