using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>A session's stored system prompt as a client sees it, and its digest as the database holds it (ADR 0073, 0074).</summary>
internal static class SystemPrompts
{
    /// <summary>The system prompt the session's OpenAI export begins with, or null when it begins with none.</summary>
    public static async Task<string?> ExportedSystemPromptAsync(this HttpClient client, TestWorkspace workspace, TestUser user, Guid session)
    {
        var response = await client.GetAsync($"{workspace.SessionPath(session)}/trajectory?format=openai", user.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var first = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray()[0]!;
        return (string?)first["role"] == "system" ? (string?)first["content"] : null;
    }

    /// <summary>The session's <c>system_prompt_digest</c>.</summary>
    public static Task<string?> PromptDigestAsync(this ApiFactory host, Guid session) =>
        host.WithDbAsync(db => db.Sessions.Where(s => s.Id == session).Select(s => s.SystemPromptDigest).SingleAsync());
}
