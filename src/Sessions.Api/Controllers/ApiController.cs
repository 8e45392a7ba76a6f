using Microsoft.AspNetCore.Mvc;
using Sessions.Api.Contracts.Answers;
using Sessions.Api.Errors;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Api.Controllers;

/// <summary>Turns application results into answers: the value with its status, or the error envelope.</summary>
[ApiController]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status403Forbidden)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status413PayloadTooLarge)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status414UriTooLong)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status415UnsupportedMediaType)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status422UnprocessableEntity)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status426UpgradeRequired)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status500InternalServerError)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status502BadGateway)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status504GatewayTimeout)]
public abstract class ApiController : ControllerBase
{
    /// <summary>
    /// The request's <c>If-Match</c>, for a command that changes one session. Read from the request
    /// rather than declared per operation: declared, it would join the generated client's methods
    /// as a parameter (before their <c>signal</c>) and change their signatures. <c>PATCH</c> alone
    /// declares it (<c>SessionsController.Update</c>), as its client method has taken it from the
    /// start (ADR 0032); every command of one session reads it alike (docs/api.md).
    /// </summary>
    protected VersionCondition? IfMatchHeader => IfMatch.Parse(Request.Headers.IfMatch.ToString());

    /// <summary>Where field errors of this action's input sit: <c>body</c> or <c>query</c> (route values are recognized by name).</summary>
    protected enum InputLocation
    {
        Body,
        Query,
    }

    protected ObjectResult Failure(Error error, InputLocation location)
    {
        var envelope = ErrorResponses.FromError(error, location == InputLocation.Body ? "body" : "query", RouteData.Values.Keys);
        if (envelope.Code == StatusCodes.Status401Unauthorized)
        {
            // A token the bearer handler accepted but the service refuses (its subject is no UUID)
            // is challenged as the handler's own refusals are (RFC 9110 §15.5.2).
            Response.Headers.WWWAuthenticate = "Bearer";
        }

        return new ObjectResult(envelope) { StatusCode = envelope.Code };
    }

    protected IActionResult Respond<T>(Result<T> result, InputLocation location, Func<T, IActionResult>? onSuccess = null) =>
        result.IsSuccess ? (onSuccess ?? (value => Ok(WireAnswers.For(value))))(result.Value) : Failure(result.Error, location);

    /// <summary>A session answer: the session with its version as the ETag.</summary>
    protected IActionResult SessionAnswer(Application.Sessions.SessionView session, int status = StatusCodes.Status200OK) =>
        VersionedAnswer(session.Version, WireAnswers.For(session), status);

    /// <summary>An answer about one session (the session, or what a change of it answers: messages, an item, a rewind's outcome), with the session's version as the ETag.</summary>
    protected IActionResult VersionedAnswer(long sessionVersion, object? answer, int status = StatusCodes.Status200OK)
    {
        Response.Headers.ETag = ETag(sessionVersion);
        return StatusCode(status, answer);
    }

    protected static string ETag(long version) => $"\"{version}\"";

    /// <summary>
    /// The address of a resource of the workspace <paramref name="org"/>/<paramref name="workspace"/>
    /// (slugs, lowercase by their rule), with the API's version written <c>v1</c> however the
    /// request spelled it (<c>v1.0</c>, <c>V1</c>): what a <c>Location</c> names.
    /// </summary>
    protected string WorkspaceAddress(string org, string workspace, string tail) =>
        $"{Request.PathBase}/api/v{ApiVersions.V1}/org/{org}/ws/{workspace}/{tail}";
}
