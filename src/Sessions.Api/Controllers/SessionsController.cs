using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Contracts;
using Sessions.Api.Errors;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Create;
using Sessions.Application.Sessions.Freeze;
using Sessions.Application.Sessions.Get;

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
        return Respond(result, InputLocation.Body, session =>
        {
            Response.Headers.Location = $"{Request.PathBase}{Request.Path.Value!.TrimEnd('/')}/{session.Id}";
            return SessionAnswer(session, StatusCodes.Status201Created);
        });
    }

    /// <summary>Reads one session.</summary>
    [HttpGet("{session_id}")]
    [OpenApiOperation("getSession", "Get a session", "By full UUID or unique prefix; 400 ambiguous_session_id when a prefix matches several.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(string org, string workspace, [FromRoute(Name = "session_id")] string sessionId, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new GetSessionQuery(org, workspace, sessionId), cancellationToken), InputLocation.Query, session => SessionAnswer(session));

    /// <summary>Freezes a session for good: its transcript becomes immutable evidence.</summary>
    [HttpPost("{session_id}/freeze")]
    [OpenApiOperation("freezeSession", "Freeze a session", "Idempotent and terminal. frozen_by is 'evaluation' when the caller holds sessions:evaluate, else 'user'.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Freeze(string org, string workspace, [FromRoute(Name = "session_id")] string sessionId, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new FreezeSessionCommand(org, workspace, sessionId), cancellationToken), InputLocation.Body, session => SessionAnswer(session));
}
