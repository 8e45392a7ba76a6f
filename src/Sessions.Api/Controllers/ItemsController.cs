using Asp.Versioning;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using NSwag.Annotations;
using Sessions.Api.Contracts;
using Sessions.Api.Contracts.Answers;
using Sessions.Api.Errors;
using Sessions.Api.OpenApi;
using Sessions.Application.Items;
using Sessions.Application.Sessions;
using ItemView = Sessions.Api.Contracts.Answers.ItemView;

namespace Sessions.Api.Controllers;

/// <summary>Items: what a run produced inside a session (findings, files, scores, artifacts).</summary>
[ApiVersion(ApiVersions.V1)]
[Route("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}/items")]
[OpenApiTag("Items")]
public sealed class ItemsController(ISender sender) : ApiController
{
    [HttpPost]
    [OpenApiOperation("recordItem", "Record an item", "201 with the stored item; 200 with the item already stored under the same dedupe_key; 409 session_frozen for a frozen session.")]
    [ProducesResponseType<ItemView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ItemView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Record(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, [FromBody] RecordItemRequest request, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new RecordItemCommand(org, workspace, session, request.ToInput()) { IfMatch = IfMatchHeader }, cancellationToken), InputLocation.Body,
            recorded => VersionedAnswer(recorded.SessionVersion, WireAnswers.For(recorded.Item), recorded.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK));

    /// <summary>Written while read (a HEAD request reads none: the server would discard them).</summary>
    [HttpGet]
    [OpenApiOperation("listItems", "List items", "Newest first; limit 1 to 500 (default 100).")]
    [ProducesResponseType<IReadOnlyList<ItemView>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> List(string org, string workspace, [FromRoute(Name = "session_id")] SessionReference session, [FromQuery(Name = "limit"), Bounds(1, ListItemsQuery.MaxLimit, ListItemsQuery.DefaultLimit)] int? limit, CancellationToken cancellationToken) =>
        Respond(await sender.Send(new ListItemsQuery(org, workspace, session, limit), cancellationToken), InputLocation.Query, list => Ok(HttpMethods.IsHead(Request.Method) ? AsyncEnumerable.Empty<ItemView>() : list.Items.Select(ItemView.From)));
}
