using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;
using Sessions.Api.Contracts.Answers;
using Sessions.Api.Controllers;
using Sessions.Api.Operations;

namespace Sessions.Api.OpenApi;

/// <summary>
/// Writes the headers the service sends with an operation's answers, which the action's types
/// cannot tell the document: the correlation id on every answer; the API versions on every
/// success; a session's version as its <c>ETag</c> (what <c>If-Match</c> takes back) with every
/// session answer and with the answers of the other changes of one session; <c>Location</c> with a created session or group; <c>Retry-After</c> with a 429; a trajectory's
/// <c>Content-Disposition</c> when it is asked for as a download.
/// </summary>
public sealed class HeadersInDocument : IOperationProcessor
{
    /// <summary>The creates whose 201 names what they created by address (the others' have no route to read it by).</summary>
    private static readonly HashSet<string> AnswersWithLocation = new(StringComparer.Ordinal) { "createSession", "createGroup" };

    /// <summary>The changes of one session that answer something else than the session, with its version after the change as the ETag.</summary>
    private static readonly HashSet<string> ChangesAnsweringOtherThanTheSession = new(StringComparer.Ordinal) { "appendTranscript", "rewindSession", "recordItem" };

    public bool Process(OperationProcessorContext context)
    {
        var sessionAnswers = context.MethodInfo.GetCustomAttributes<ProducesResponseTypeAttribute>()
            .Where(answer => answer.Type == typeof(SessionView))
            .Select(answer => answer.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (status, response) in context.OperationDescription.Operation.Responses)
        {
            response.Headers[CorrelationIds.Header] = Header("The request's correlation id (its trace id), as logged and named in a 500's detail.", JsonObjectType.String);
            if (!status.StartsWith('2'))
            {
                if (status == "429")
                {
                    response.Headers[HeaderNames.RetryAfter] = Header("Seconds to wait before trying again.", JsonObjectType.Integer);
                }

                continue;
            }

            response.Headers[ApiVersions.SupportedHeader] = Header("The API versions the service supports, e.g. 1.", JsonObjectType.String);
            if (status == "201" && AnswersWithLocation.Contains(context.OperationDescription.Operation.OperationId))
            {
                response.Headers[HeaderNames.Location] = Header("The address of what was created.", JsonObjectType.String);
            }

            if (sessionAnswers.Contains(status) || ChangesAnsweringOtherThanTheSession.Contains(context.OperationDescription.Operation.OperationId))
            {
                response.Headers[HeaderNames.ETag] = Header("The session's version as a strong entity tag, e.g. \"3\": send it back in If-Match to change only that version.", JsonObjectType.String);
            }

            if (context.OperationDescription.Operation.OperationId == "exportTrajectory")
            {
                response.Headers[HeaderNames.ContentDisposition] = Header("With download=true: attachment; filename=\"session-{id}.{format}.json\".", JsonObjectType.String);
            }
        }

        return true;
    }

    private static OpenApiHeader Header(string description, JsonObjectType type) =>
        new() { Description = description, Schema = new JsonSchema { Type = type } };
}
