using Microsoft.AspNetCore.Mvc;
using Sessions.Application.Transcripts;

namespace Sessions.Api.Export;

/// <summary>
/// A trajectory answer: 200 as JSON, written while it is read; with <c>download</c>, named as an
/// attachment. A HEAD request gets the header fields alone, and the transcript is not read for it
/// (the server would discard what was written, at no pace a client sets).
/// </summary>
public sealed class TrajectoryResult(TrajectoryExport export, bool download) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        if (download)
        {
            var format = TrajectoryWriters.WireFormat(export.Format);
            response.Headers.ContentDisposition = $"attachment; filename=\"session-{export.Session.Id}.{format}.json\"";
        }

        if (!HttpMethods.IsHead(context.HttpContext.Request.Method))
        {
            await TrajectoryWriters.WriteAsync(export, response.Body, context.HttpContext.RequestAborted);
        }
    }
}
