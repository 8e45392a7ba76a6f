using System.Net;
using System.Text.Json.Nodes;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>Session calls the tests make again and again.</summary>
public static class SessionRequests
{
    public static async Task<JsonObject> CreateSessionAsync(this HttpClient client, TestWorkspace workspace, TestUser user, Guid? id = null, object? extra = null)
    {
        var body = new JsonObject { ["id"] = (id ?? Guid.NewGuid()).ToString(), ["model"] = "gpt-4o" };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }

        var response = await client.PostAsync(workspace.SessionsPath, user.Token(), body.ToJsonString());
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    /// <summary>A workflow group of a new project in the workspace, made by <paramref name="user"/>; its id as the wire writes it.</summary>
    public static async Task<string> CreateGroupAsync(this HttpClient client, TestWorkspace workspace, TestUser user) =>
        (await client.PostAsync($"{workspace.SessionsPath}/groups", user.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();

    public static Guid Id(this JsonObject session) => Guid.Parse(session["id"]!.GetValue<string>());

    /// <summary>A random UUID whose canonical text starts with <paramref name="prefix"/>.</summary>
    public static Guid IdWithPrefix(string prefix)
    {
        var random = Guid.NewGuid().ToString();
        return Guid.Parse(prefix + random[prefix.Length..]);
    }

    /// <summary>The whole audit trail of a session as <paramref name="user"/> reads it, page by page of <paramref name="limit"/>.</summary>
    public static async Task<List<JsonObject>> TrailAsync(this HttpClient client, TestWorkspace workspace, TestUser user, Guid session, int limit = 100)
    {
        var events = new List<JsonObject>();
        var query = $"?limit={limit}";
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await client.GetAsync($"{workspace.SessionPath(session)}/events{query}", user.Token()).ExpectAsync(HttpStatusCode.OK);
            events.AddRange(page["events"]!.AsArray().Select(e => e!.AsObject()));
            if (!page["has_more"]!.GetValue<bool>())
            {
                return events;
            }

            query = $"?limit={limit}&after_id={page["next_after_id"]}";
        }

        throw new InvalidOperationException("the trail did not end");
    }
}
