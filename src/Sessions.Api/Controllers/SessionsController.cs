using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Contracts;
using Sessions.Api.Errors;
using Sessions.Api.OpenApi;
using Sessions.Application.Events;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Archive;
using Sessions.Application.Sessions.Bulk;
using Sessions.Application.Sessions.Create;
using Sessions.Application.Sessions.Delete;
using Sessions.Application.Sessions.Facets;
using Sessions.Application.Sessions.Freeze;
using Sessions.Application.Sessions.Get;
using Sessions.Application.Sessions.List;
using Sessions.Application.Sessions.Pin;
using Sessions.Application.Sessions.Update;
using SessionEventPage = Sessions.Api.Contracts.Answers.SessionEventPage;
using SessionFacets = Sessions.Api.Contracts.Answers.SessionFacets;
using SessionPage = Sessions.Api.Contracts.Answers.SessionPage;
using SessionView = Sessions.Api.Contracts.Answers.SessionView;

namespace Sessions.Api.Controllers;

/// <summary>Sessions of one workspace. <c>{session_id}</c> is a full UUID or a unique prefix of one.</summary>
[ApiVersion(ApiVersions.V1)]
[Route("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions")]
[OpenApiTag("Sessions")]
public sealed class SessionsController(ISender sender) : ApiController
{
    /// <summary>Creates a session with the id the client chose.</summary>
    [HttpPost]
    [OpenApiOperation("createSession", "Create a session", "Answers 201 with the session and its Location; 409 already_exists when the id is taken.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create(string org, string workspace, [FromBody] CreateSessionRequest request, CancellationToken cancellationToken)
    {
        var command = new CreateSessionCommand(
            org,
            workspace,
            request.Id,
            request.Model,
            request.Title,
            request.Agent,
            request.Labels.ToLabelMap(),
            request.MessageCount,
            request.Origin,
            request.Visibility,
            request.ProjectId,
            request.RuntimeId,
            request.GroupId);
        var result = await sender.Send(command, cancellationToken);
        return Respond(result, InputLocation.Body, created =>
        {
            Response.Headers.Location = WorkspaceAddress(org, workspace, $"sessions/{created.Id}");
            return SessionAnswer(created, StatusCodes.Status201Created);
        });
    }

    /// <summary>Lists the sessions the caller can see: their own and the shared ones, filtered, sorted and paged.</summary>
    [HttpGet]
    [OpenApiOperation("listSessions", "List sessions", "Filters narrow what the caller can see; ties in the sort key are ordered by id, so pages never overlap.")]
    [ProducesResponseType<SessionPage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> List(string org, string workspace, [FromQuery] ListSessionsParameters parameters, CancellationToken cancellationToken)
    {
        var query = new ListSessionsQuery(org, workspace, parameters.ToFilterInput(), parameters.SortBy, parameters.SortDir, parameters.Page, parameters.Limit);
        return Respond(await sender.Send(query, cancellationToken), InputLocation.Query);
    }

    /// <summary>Counts per label value, agent, model, origin and owner over what the same filters list.</summary>
    [HttpGet("facets")]
    [OpenApiOperation("getSessionFacets", "Session facets", "Counts over the caller's visible sessions after the filters; values with no session are left out.")]
    [ProducesResponseType<SessionFacets>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Facets(string org, string workspace, [FromQuery] SessionFilterParameters parameters, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new GetSessionFacetsQuery(org, workspace, parameters.ToFilterInput()), cancellationToken), InputLocation.Query);

    /// <summary>Reads one session.</summary>
    [HttpGet("{session_id}")]
    [OpenApiOperation("getSession", "Get a session", "By full UUID or unique prefix; 400 ambiguous_session_id when a prefix matches several.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new GetSessionQuery(org, workspace, session), cancellationToken), InputLocation.Query, view => SessionAnswer(view));

    /// <summary>Changes the fields sent; labels replace the map; visibility only widens.</summary>
    [HttpPatch("{session_id}")]
    [OpenApiOperation("updateSession", "Update a session", "Send If-Match with the ETag read to refuse the change (412) when someone changed the session since.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Update(
        string org,
        string workspace,
        [FromRoute(Name = "session_id")] SessionReference session,
        [FromBody] UpdateSessionRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        CancellationToken cancellationToken)
    {
        var command = new UpdateSessionCommand(
            org,
            workspace,
            session,
            request.Title,
            request.Model,
            request.Agent,
            request.Labels.ToLabelMap(),
            request.MessageCount,
            request.Visibility,
            request.GroupId,
            IfMatch.Parse(ifMatch));
        return Respond(await sender.Send(command, cancellationToken), InputLocation.Body, view => SessionAnswer(view));
    }

    /// <summary>Deletes a session with its transcript.</summary>
    [HttpDelete("{session_id}")]
    [OpenApiOperation("deleteSession", "Delete a session", "204; a session frozen by an evaluation answers 409 session_frozen.")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Delete(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken)
    {
        var result = await sender.Send(new DeleteSessionCommand(org, workspace, session) { IfMatch = IfMatchHeader }, cancellationToken);
        return result.Error is { } error ? Failure(error, InputLocation.Query) : NoContent();
    }

    /// <summary>The session's audit trail: its stored events, oldest first.</summary>
    [HttpGet("{session_id}/events")]
    [OpenApiOperation("listSessionEvents", "List a session's events", "Who did what to the session, oldest first, paged by after_id (limit 1 to 500, default 100). Workspace admins asking by full id also read every earlier life of the id that a deletion from their workspace ended, oldest first.")]
    [ProducesResponseType<SessionEventPage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Events(
        string org,
        string workspace,
        [FromRoute(Name = "session_id")] SessionReference session,
        [FromQuery(Name = "after_id")] Guid? afterId,
        [FromQuery(Name = "limit"), Bounds(1, ListSessionEventsQuery.MaxLimit, ListSessionEventsQuery.DefaultLimit)] int? limit,
        CancellationToken cancellationToken) =>
        Respond(await sender.Send(new ListSessionEventsQuery(org, workspace, session, afterId, limit), cancellationToken), InputLocation.Query);

    /// <summary>Freezes a session for good: its transcript becomes immutable evidence.</summary>
    [HttpPost("{session_id}/freeze")]
    [OpenApiOperation("freezeSession", "Freeze a session", "Idempotent and terminal. frozen_by is 'evaluation' when the caller holds sessions:evaluate, else 'user'.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Freeze(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new FreezeSessionCommand(org, workspace, session) { IfMatch = IfMatchHeader }, cancellationToken), InputLocation.Body, view => SessionAnswer(view));

    [HttpPost("{session_id}/archive")]
    [OpenApiOperation("archiveSession", "Archive a session", "Idempotent; sets archived_at.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public Task<IActionResult> Archive(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken) =>
        SendSessionCommand(new ArchiveSessionCommand(org, workspace, session, Archived: true) { IfMatch = IfMatchHeader }, cancellationToken);

    [HttpPost("{session_id}/unarchive")]
    [OpenApiOperation("unarchiveSession", "Unarchive a session", "Idempotent; clears archived_at.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public Task<IActionResult> Unarchive(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken) =>
        SendSessionCommand(new ArchiveSessionCommand(org, workspace, session, Archived: false) { IfMatch = IfMatchHeader }, cancellationToken);

    [HttpPost("{session_id}/pin")]
    [OpenApiOperation("pinSession", "Pin a session", "Idempotent; sets pinned_at.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public Task<IActionResult> Pin(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken) =>
        SendSessionCommand(new PinSessionCommand(org, workspace, session, Pinned: true) { IfMatch = IfMatchHeader }, cancellationToken);

    [HttpPost("{session_id}/unpin")]
    [OpenApiOperation("unpinSession", "Unpin a session", "Idempotent; clears pinned_at.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public Task<IActionResult> Unpin(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, CancellationToken cancellationToken) =>
        SendSessionCommand(new PinSessionCommand(org, workspace, session, Pinned: false) { IfMatch = IfMatchHeader }, cancellationToken);

    /// <summary>Freezes up to 200 sessions by full id; each id follows the single-freeze rules.</summary>
    [HttpPost("bulk-freeze")]
    [OpenApiOperation("bulkFreezeSessions", "Freeze sessions in bulk", "An already-frozen session is reported in frozen; one bad id never fails the batch.")]
    [ProducesResponseType<BulkFreezeResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> BulkFreeze(string org, string workspace, [FromBody] BulkSessionsRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new BulkFreezeCommand(org, workspace, request.SessionIds), cancellationToken), InputLocation.Body,
            outcome => Ok(new BulkFreezeResponse(outcome.Succeeded, BulkFailureResponse.From(outcome))));

    /// <summary>Shares up to 200 sessions with the workspace by full id.</summary>
    [HttpPost("bulk-share")]
    [OpenApiOperation("bulkShareSessions", "Share sessions in bulk", "An already-shared session is reported in shared; one bad id never fails the batch.")]
    [ProducesResponseType<BulkShareResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> BulkShare(string org, string workspace, [FromBody] BulkSessionsRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new BulkShareCommand(org, workspace, request.SessionIds), cancellationToken), InputLocation.Body,
            outcome => Ok(new BulkShareResponse(outcome.Succeeded, BulkFailureResponse.From(outcome))));

    /// <summary>Deletes up to 200 sessions by full id, each with its transcript.</summary>
    [HttpPost("bulk-delete")]
    [OpenApiOperation("bulkDeleteSessions", "Delete sessions in bulk", "Sessions frozen by an evaluation fail with session_frozen; one bad id never fails the batch.")]
    [ProducesResponseType<BulkDeleteResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> BulkDelete(string org, string workspace, [FromBody] BulkSessionsRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new BulkDeleteCommand(org, workspace, request.SessionIds), cancellationToken), InputLocation.Body,
            outcome => Ok(new BulkDeleteResponse(outcome.Succeeded, BulkFailureResponse.From(outcome))));

    private async Task<IActionResult> SendSessionCommand<TCommand>(TCommand command, CancellationToken cancellationToken)
        where TCommand : ICommand<Domain.Common.Result<Application.Sessions.SessionView>> =>
        Respond(await sender.Send(command, cancellationToken), InputLocation.Body, view => SessionAnswer(view));
}
