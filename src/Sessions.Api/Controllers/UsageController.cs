using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Contracts;
using Sessions.Application.Usage;
using WorkspaceUsage = Sessions.Api.Contracts.Answers.WorkspaceUsage;

namespace Sessions.Api.Controllers;

/// <summary>What the workspace's sessions spent. <c>usage</c> is a literal segment: never read as a session prefix.</summary>
[ApiVersion(ApiVersions.V1)]
[Route("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/usage")]
[OpenApiTag("Usage")]
public sealed class UsageController(ISender sender) : ApiController
{
    [HttpGet]
    [OpenApiOperation(
        "getUsage",
        "Workspace usage",
        "Sums of message counts, tokens, tool calls and cost, bucketed by group_by, over the sessions the list filters match: those the caller sees (admins and the evaluation service included). from and to bound message created_at; day buckets are UTC days.")]
    [ProducesResponseType<WorkspaceUsage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(string org, string workspace, [FromQuery] UsageParameters parameters, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new GetUsageQuery(org, workspace, parameters.ToFilterInput(), parameters.GroupBy, parameters.From, parameters.To), cancellationToken), InputLocation.Query);
}
