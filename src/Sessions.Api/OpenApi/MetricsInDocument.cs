using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;
using Sessions.Api.Operations;

namespace Sessions.Api.OpenApi;

/// <summary>
/// Lists <c>GET /metrics</c> (the Prometheus scrape, served by middleware the API explorer does
/// not see) in the document of a service that serves it.
/// </summary>
public sealed class MetricsInDocument : IDocumentProcessor
{
    public void Process(DocumentProcessorContext context)
    {
        var operation = new OpenApiOperation
        {
            OperationId = "getMetrics",
            Summary = "Metrics in the Prometheus text format",
            Description = "Request duration, runtime, process and pool metrics and the service's counters. No token needed.",
            Tags = { "Operations" },
        };
        // One empty requirement ("{}"): no token. An empty list would be left out of the JSON, and
        // the document's own bearer requirement would then apply.
        operation.Security = [new OpenApiSecurityRequirement()];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "The scrape",
            Content = { ["text/plain"] = new OpenApiMediaType { Schema = new JsonSchema { Type = JsonObjectType.String } } },
        };
        context.Document.Paths[Telemetry.MetricsPath] = new OpenApiPathItem { ["get"] = operation };
    }
}
