using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Errors;
using Sessions.Api.OpenApi;
using Sessions.Application.Organizations;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using MemberList = Sessions.Api.Contracts.Answers.MemberList;
using MemberView = Sessions.Api.Contracts.Answers.MemberView;
using OrganizationView = Sessions.Api.Contracts.Answers.OrganizationView;
using WorkspaceView = Sessions.Api.Contracts.Answers.WorkspaceView;

namespace Sessions.Api.Controllers;

/// <summary>The body of creating an organization or a workspace.</summary>
public sealed record CreateTenantRequest([RequiredField, MaxChars(FieldLimits.Slug, Minimum = 1), Pattern(global::Sessions.Domain.Organizations.Slug.Pattern)] string? Slug, [MaxChars(FieldLimits.OrganizationName, Minimum = 1)] string? Name);

/// <summary>The body of putting a member: the role. The member's profile comes from their own tokens.</summary>
public sealed record PutMemberRequest([RequiredField] WorkspaceRole? Role);

/// <summary>Organizations, workspaces and memberships. Creating tenants needs scope <c>admin</c>; members are managed by platform or workspace admins.</summary>
[ApiVersion(ApiVersions.V1)]
[Route("api/v{version:apiVersion}")]
[OpenApiTag("Administration")]
public sealed class AdminController(ISender sender) : ApiController
{
    [HttpPost("orgs")]
    [OpenApiOperation("createOrganization", "Create an organization", "Scope admin; 409 already_exists for a taken slug.")]
    [ProducesResponseType<OrganizationView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateOrganization([FromBody] CreateTenantRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new CreateOrganizationCommand(request.Slug, request.Name), cancellationToken), InputLocation.Body);

    [HttpPost("org/{org}/workspaces")]
    [OpenApiOperation("createWorkspace", "Create a workspace", "Scope admin; 409 already_exists for a slug taken in the organization.")]
    [ProducesResponseType<WorkspaceView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateWorkspace(string org, [FromBody] CreateTenantRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new CreateWorkspaceCommand(org, request.Slug, request.Name), cancellationToken), InputLocation.Body);

    [HttpGet("org/{org}/ws/{workspace}/members")]
    [OpenApiOperation("listMembers", "List members", "The members with their roles; a member's email and name show once they have used the workspace with their own token.")]
    [ProducesResponseType<MemberList>(StatusCodes.Status200OK)]
    public async Task<IActionResult> ListMembers(string org, string workspace, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new ListMembersQuery(org, workspace), cancellationToken), InputLocation.Query);

    [HttpPut("org/{org}/ws/{workspace}/members/{user_id}")]
    [OpenApiOperation("putMember", "Add a member or change their role", "The member is shown by id alone until they use the workspace with their own token (their profile comes from it); a workspace keeps at least one admin (409).")]
    [ProducesResponseType<MemberView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> PutMember(string org, string workspace, [FromRoute(Name = "user_id")] Guid userId, [FromBody] PutMemberRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new PutMemberCommand(org, workspace, userId, request.Role), cancellationToken), InputLocation.Body);

    [HttpDelete("org/{org}/ws/{workspace}/members/{user_id}")]
    [OpenApiOperation("removeMember", "Remove a member", "204; the last admin cannot be removed (409).")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> RemoveMember(string org, string workspace, [FromRoute(Name = "user_id")] Guid userId, CancellationToken cancellationToken)
    {
        var result = await sender.Send(new RemoveMemberCommand(org, workspace, userId), cancellationToken);
        return result.Error is { } error ? Failure(error, InputLocation.Query) : NoContent();
    }
}
