using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Contracts;
using Sessions.Api.Errors;
using Sessions.Api.Export;
using Sessions.Api.OpenApi;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using MessageMatches = Sessions.Api.Contracts.Answers.MessageMatches;
using RewindOutcome = Sessions.Api.Contracts.Answers.RewindOutcome;
using SessionView = Sessions.Api.Contracts.Answers.SessionView;
using TranscriptMessages = Sessions.Api.Contracts.Answers.TranscriptMessages;
using TranscriptPage = Sessions.Api.Contracts.Answers.TranscriptPage;

namespace Sessions.Api.Controllers;

/// <summary>Transcripts: append, read, compact, rewind and search the messages of a session.</summary>
[ApiVersion(ApiVersions.V1)]
[Route("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}")]
[OpenApiTag("Transcripts")]
public sealed class TranscriptsController(ISender sender) : ApiController
{
    /// <summary>Appends messages; seq numbers are assigned by the service.</summary>
    [HttpPost("transcript")]
    [OpenApiOperation("appendTranscript", "Append messages", "1 to 500 messages; retried message ids are answered as stored; 409 session_frozen when frozen.")]
    [ProducesResponseType<TranscriptMessages>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Append(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, [FromBody] AppendTranscriptRequest request, CancellationToken cancellationToken)
    {
        var context = request.Context is { } c ? new ContextInput(c.Agent, c.Model, c.SystemPrompt) : null;
        // A list past the limit is refused for its count: the messages past it are not converted.
        var command = new AppendTranscriptCommand(org, workspace, session, context, request.Messages?.Take(TranscriptRules.MaxMessagesPerAppend + 1).Select(m => m?.ToInput()).ToList()) { IfMatch = IfMatchHeader };
        return Respond(await sender.Send(command, cancellationToken), InputLocation.Body, messages => VersionedAnswer(messages.SessionVersion, Contracts.Answers.WireAnswers.For(messages)));
    }

    /// <summary>Reads the transcript in seq order, a page at a time.</summary>
    [HttpGet("transcript")]
    [OpenApiOperation("getTranscript", "Read the transcript", "Keyset paging: pass next_after_seq as after_seq. Compacted messages only with include_compacted=true.")]
    [ProducesResponseType<TranscriptPage>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(
        string org,
        string workspace,
        [FromRoute(Name = "session_id")] SessionReference session,
        [FromQuery(Name = "after_seq"), Bounds(0, long.MaxValue, 0)] long? afterSeq,
        [FromQuery(Name = "limit"), Bounds(1, GetTranscriptQuery.MaxLimit, GetTranscriptQuery.DefaultLimit)] int? limit,
        [FromQuery(Name = "include_compacted")] bool? includeCompacted,
        CancellationToken cancellationToken) =>
        Respond(await sender.Send(new GetTranscriptQuery(org, workspace, session, afterSeq, limit, includeCompacted), cancellationToken), InputLocation.Query);

    /// <summary>Compacts the transcript up to a seq and appends the summary; nothing is deleted.</summary>
    [HttpPost("transcript/compact")]
    [OpenApiOperation("compactTranscript", "Compact the transcript", "Compacted messages keep their rows and leave the current era; 422 when up_to_seq is outside the transcript.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Compact(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, [FromBody] CompactTranscriptRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new CompactTranscriptCommand(org, workspace, session, request.Summary?.ToInput(), request.UpToSeq) { IfMatch = IfMatchHeader }, cancellationToken), InputLocation.Body,
            view => SessionAnswer(view));

    /// <summary>Deletes a user message and everything after it.</summary>
    [HttpPost("rewind")]
    [OpenApiOperation("rewindSession", "Rewind to a user message", "Answers what the user had typed; 409 for frozen (session_frozen) or non-user sessions (conflict).")]
    [ProducesResponseType<RewindOutcome>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Rewind(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, [FromBody] RewindRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new RewindSessionCommand(org, workspace, session, request.FromSeq) { IfMatch = IfMatchHeader }, cancellationToken), InputLocation.Body,
            outcome => VersionedAnswer(outcome.SessionVersion, Contracts.Answers.WireAnswers.For(outcome)));

    /// <summary>Exports the trajectory as ATIF, the OpenAI message array or the native bundle, written as it is read.</summary>
    [HttpGet("trajectory")]
    [OpenApiOperation("exportTrajectory", "Export the trajectory", "format atif (default), openai or native; include_compacted adds compacted messages; download names the answer as an attachment. The answer is streamed.")]
    [ProducesResponseType<object>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Export(
        string org,
        string workspace,
        [FromRoute(Name = "session_id")] SessionReference session,
        [FromQuery(Name = "format")] string? format,
        [FromQuery(Name = "include_compacted")] bool? includeCompacted,
        [FromQuery(Name = "download")] bool? download,
        CancellationToken cancellationToken)
    {
        var result = await sender.Send(new ExportTrajectoryQuery(org, workspace, session, format, includeCompacted), cancellationToken);
        return result.IsSuccess ? new TrajectoryResult(result.Value, download ?? false) : Failure(result.Error, InputLocation.Query);
    }

    /// <summary>Finds messages whose content contains the text, any case.</summary>
    [HttpGet("messages/search")]
    [OpenApiOperation("searchMessages", "Search messages", "Case-insensitive; % and _ are literal. total counts every match.")]
    [ProducesResponseType<MessageMatches>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Search(
        string org,
        string workspace,
        [FromRoute(Name = "session_id")] SessionReference session,
        [FromQuery(Name = "q"), RequiredField, MaxChars(SearchMessagesQuery.MaxQueryLength, Minimum = 1), Verbatim] string? q,
        [FromQuery(Name = "after_seq"), Bounds(0, long.MaxValue, 0)] long? afterSeq,
        [FromQuery(Name = "limit"), Bounds(1, SearchMessagesQuery.MaxLimit, SearchMessagesQuery.DefaultLimit)] int? limit,
        [FromQuery(Name = "include_compacted")] bool? includeCompacted,
        CancellationToken cancellationToken) =>
        Respond(await sender.Send(new SearchMessagesQuery(org, workspace, session, q, afterSeq, limit, includeCompacted), cancellationToken), InputLocation.Query);
}
