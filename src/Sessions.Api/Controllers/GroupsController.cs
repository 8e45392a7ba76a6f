using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Contracts;
using Sessions.Api.Contracts.Answers;
using Sessions.Api.Errors;
using Sessions.Api.Json;
using Sessions.Application.Groups;
using GroupDetail = Sessions.Api.Contracts.Answers.GroupDetail;
using GroupPage = Sessions.Api.Contracts.Answers.GroupPage;
using GroupSummary = Sessions.Api.Contracts.Answers.GroupSummary;
using GroupedPage = Sessions.Api.Contracts.Answers.GroupedPage;

namespace Sessions.Api.Controllers;

/// <summary>
/// Session groups: the sessions of one workflow run, worker run or evaluation item. The literal
/// segments <c>groups</c> and <c>grouped</c> take precedence over a session id; <c>{group_id}</c>
/// is a full UUID.
/// </summary>
[ApiVersion(ApiVersions.V1)]
[Route("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions")]
[OpenApiTag("Groups")]
public sealed class GroupsController(ISender sender) : ApiController
{
    [HttpPost("groups")]
    [OpenApiOperation("createGroup", "Create a session group", "201 with the group summary and its Location; viewers get 403.")]
    [ProducesResponseType<GroupSummary>(StatusCodes.Status201Created)]
    public async Task<IActionResult> Create(string org, string workspace, [FromBody] CreateGroupRequest request, CancellationToken cancellationToken)
    {
        var command = new CreateGroupCommand(
            org,
            workspace,
            request.Kind,
            request.ProjectId,
            request.Title,
            request.Status,
            request.Capability,
            request.CapabilityVersion,
            request.Worker,
            request.EvaluationId,
            request.EvaluationItemId,
            request.EvaluationItemAttemptId,
            request.RuntimeId,
            FreeFormJson.Text(request.Metadata));
        return Respond(await sender.Send(command, cancellationToken), InputLocation.Body, created =>
        {
            Response.Headers.Location = WorkspaceAddress(org, workspace, $"sessions/groups/{created.Id}");
            return StatusCode(StatusCodes.Status201Created, WireAnswers.For(created));
        });
    }

    [HttpGet("groups")]
    [OpenApiOperation("listGroups", "List session groups", "The groups the caller sees, newest first; status, kind and project_id filter the groups, the other filters their sessions: given any, only groups holding a matching session are listed, and counts cover those sessions.")]
    [ProducesResponseType<GroupPage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> List(string org, string workspace, [FromQuery] ListGroupsParameters parameters, CancellationToken cancellationToken)
    {
        var query = new ListGroupsQuery(
            org, workspace, parameters.ToFilterInput() with { ProjectIds = [] }, parameters.Status ?? [], parameters.Kind ?? [], parameters.ProjectId ?? [], parameters.Page, parameters.Limit);
        return Respond(await sender.Send(query, cancellationToken), InputLocation.Query);
    }

    [HttpGet("groups/{group_id}")]
    [OpenApiOperation("getGroup", "Get a session group", "The summary and the group's sessions the caller sees (at most 500, most recently updated first); 404 when the caller sees neither the group nor any of its sessions.")]
    [ProducesResponseType<GroupDetail>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(
        string org,
        string workspace,
        [FromRoute(Name = "group_id")] Guid groupId,
        [FromQuery(Name = "archived")] string? archived,
        [FromQuery(Name = "include_workload_sessions")] bool? includeWorkloadSessions,
        CancellationToken cancellationToken) =>
        Respond(await sender.Send(new GetGroupQuery(org, workspace, groupId, archived, includeWorkloadSessions), cancellationToken), InputLocation.Query);

    [HttpPatch("groups/{group_id}")]
    [OpenApiOperation("updateGroup", "Update a session group", "For the group's creator or a workspace admin; a finished group answers 409 conflict to any other status.")]
    [ProducesResponseType<GroupSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Update(string org, string workspace, [FromRoute(Name = "group_id")] Guid groupId, [FromBody] UpdateGroupRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new UpdateGroupCommand(org, workspace, groupId, request.Title, request.Status, FreeFormJson.Text(request.Metadata)), cancellationToken), InputLocation.Body);

    [HttpGet("grouped")]
    [OpenApiOperation("listGroupedSessions", "List sessions by group", "Buckets of the matching sessions by group, newest activity first, each with its first sessions_per_group sessions and its count; the sessions of no group come last with group null.")]
    [ProducesResponseType<GroupedPage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Grouped(string org, string workspace, [FromQuery] GroupedSessionsParameters parameters, CancellationToken cancellationToken) =>
        Respond(
            await sender.Send(new GroupedSessionsQuery(org, workspace, parameters.ToFilterInput(), parameters.Page, parameters.Limit, parameters.SessionsPerGroup), cancellationToken),
            InputLocation.Query);
}
