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

    public static Guid Id(this JsonObject session) => Guid.Parse(session["id"]!.GetValue<string>());

    /// <summary>A random UUID whose canonical text starts with <paramref name="prefix"/>.</summary>
    public static Guid IdWithPrefix(string prefix)
    {
        var random = Guid.NewGuid().ToString();
        return Guid.Parse(prefix + random[prefix.Length..]);
    }
}
