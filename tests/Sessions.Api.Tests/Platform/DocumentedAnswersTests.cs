using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Every answer with a JSON body that the OpenAPI document describes, produced once over HTTP and
/// held to the document's schema (CONTRACT §1: nullable fields present as null, RFC 3339 UTC
/// timestamps, UUIDs, enums as listed, nothing undocumented). The TypeScript client is generated
/// from that document: an answer that drifts from it breaks the client before any test of a field.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class DocumentedAnswersTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private const string Workspace = "/api/v1/org/{org}/ws/{workspace}";
    private const string Sessions = Workspace + "/sessions";
    private const string Session = Sessions + "/{session_id}";

    private readonly HashSet<(string Method, string Template, int Status)> _checked = [];

    private DocumentedSchema _document = null!;

    [Fact]
    public async Task EveryDocumentedAnswer_IsExactlyItsSchema()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        _document = new DocumentedSchema(document);
        var platformAdmin = new TestUser(Guid.NewGuid(), "root@example.com").Token(Scopes.Admin);
        var slug = $"org-{Guid.NewGuid():N}"[..20];
        await AnswerAsync("POST", "/api/v1/orgs", "/api/v1/orgs", platformAdmin, new { slug, name = "Acme" }, 200);
        await AnswerAsync("POST", "/api/v1/org/{org}/workspaces", $"/api/v1/org/{slug}/workspaces", platformAdmin, new { slug = "lab" }, 200);

        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var colleague = await workspace.AddMemberAsync();
        var members = $"/api/v1/org/{workspace.Org}/ws/{workspace.Workspace}/members";
        await AnswerAsync("PUT", Workspace + "/members/{user_id}", $"{members}/{Guid.NewGuid()}", owner.Token(), new { role = "viewer" }, 200);
        await AnswerAsync("GET", Workspace + "/members", members, owner.Token(), null, 200);

        var group = (await AnswerAsync("POST", Sessions + "/groups", $"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid(), title = "run" }, 201))["id"]!.GetValue<string>();
        var id = Guid.NewGuid();
        var session = workspace.SessionPath(id);
        await AnswerAsync("POST", Sessions, workspace.SessionsPath, owner.Token(), new { id, model = "m", labels = new { team = new[] { "red" } }, group_id = group }, 201);
        await Client.CreateSessionAsync(workspace, colleague, extra: new { visibility = "workspace" });
        await AnswerAsync("POST", Session + "/transcript", $"{session}/transcript", owner.Token(), new
        {
            messages = new object[]
            {
                new { role = "user", content = "find the parser bug" },
                new
                {
                    role = "assistant",
                    content = "looking",
                    tool_calls = new[] { new { id = "c1", name = "grep", arguments = new { pattern = "parse" } } },
                    usage = new { input_tokens = 10, output_tokens = 2, cost_usd = 0.01 },
                },
                new { role = "tool", content = "parser.cs:12", tool_call_id = "c1" },
                new { role = "user", content = "and fix it", metadata = new { source = "cli" } },
            },
        }, 200);
        await AnswerAsync("POST", Session + "/transcript/compact", $"{session}/transcript/compact", owner.Token(), new { summary = new { role = "system", content = "summary" }, up_to_seq = 2 }, 200);
        await AnswerAsync("GET", Session + "/transcript", $"{session}/transcript?include_compacted=true", owner.Token(), null, 200);
        await AnswerAsync("GET", Session + "/messages/search", $"{session}/messages/search?q=parser&include_compacted=true", owner.Token(), null, 200);
        await AnswerAsync("POST", Session + "/rewind", $"{session}/rewind", owner.Token(), new { from_seq = 4 }, 200);
        await AnswerAsync("POST", Session + "/items", $"{session}/items", owner.Token(), new { item_type = "finding", data = new { line = 12 }, dedupe_key = "k" }, 201);
        await AnswerAsync("POST", Session + "/items", $"{session}/items", owner.Token(), new { item_type = "finding", data = new { line = 12 }, dedupe_key = "k" }, 200);
        await AnswerAsync("GET", Session + "/items", $"{session}/items", owner.Token(), null, 200);
        await AnswerAsync("PATCH", Session, session, owner.Token(), new { title = "parser", visibility = "workspace" }, 200);
        foreach (var action in new[] { "pin", "unpin", "archive", "unarchive", "freeze" })
        {
            await AnswerAsync("POST", $"{Session}/{action}", $"{session}/{action}", owner.Token(), null, 200);
        }

        await AnswerAsync("GET", Session, session, owner.Token(), null, 200);
        await AnswerAsync("GET", Session + "/events", $"{session}/events", owner.Token(), null, 200);
        await AnswerAsync("GET", Sessions, workspace.SessionsPath, owner.Token(), null, 200);
        await AnswerAsync("GET", Sessions + "/facets", $"{workspace.SessionsPath}/facets", owner.Token(), null, 200);
        foreach (var groupBy in new[] { "model", "agent", "user", "origin", "day", "label:team" })
        {
            await AnswerAsync("GET", Sessions + "/usage", $"{workspace.SessionsPath}/usage?group_by={groupBy}", owner.Token(), null, 200);
        }

        await AnswerAsync("GET", Sessions + "/groups", $"{workspace.SessionsPath}/groups", owner.Token(), null, 200);
        await AnswerAsync("GET", Sessions + "/groups/{group_id}", $"{workspace.SessionsPath}/groups/{group}", owner.Token(), null, 200);
        await AnswerAsync("PATCH", Sessions + "/groups/{group_id}", $"{workspace.SessionsPath}/groups/{group}", owner.Token(), new { status = "completed" }, 200);
        await AnswerAsync("GET", Sessions + "/grouped", $"{workspace.SessionsPath}/grouped", owner.Token(), null, 200);
        var other = (await Client.CreateSessionAsync(workspace, owner)).Id();
        foreach (var action in new[] { "bulk-share", "bulk-freeze", "bulk-delete" })
        {
            await AnswerAsync("POST", $"{Sessions}/{action}", $"{workspace.SessionsPath}/{action}", owner.Token(), new { session_ids = new[] { other, Guid.NewGuid() } }, 200);
        }

        Assert.Equal(DocumentedJsonAnswers(document).Order(), _checked.Select(Describe).Order());
    }

    [Theory]
    [InlineData("drop compacted_at", "'compacted_at' is missing")]
    [InlineData("add extra", "'extra' is not in the document")]
    [InlineData("seconds only", "is not a date-time")]
    [InlineData("seq as string", "expected an integer")]
    [InlineData("unknown role", "is not one of")]
    [InlineData("upper-case id", "is not a guid")]
    [InlineData("null content", "null where the document allows none")]
    public async Task TheCheck_FindsWhatADriftedMessageWouldBreak(string drift, string problem)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var schema = new DocumentedSchema(document);
        var (workspace, owner, session) = await AMembersSessionAsync();
        var message = (await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "hi" }))[0]!.AsObject();
        var answerSchema = schema.AnswerOf("GET", Session + "/transcript", 200)!;
        Assert.Empty(schema.Problems(new JsonObject { ["messages"] = new JsonArray(message.DeepClone()), ["has_more"] = false, ["next_after_seq"] = null }, answerSchema));

        var drifted = message.DeepClone().AsObject();
        switch (drift)
        {
            case "drop compacted_at": drifted.Remove("compacted_at"); break;
            case "add extra": drifted["extra"] = 1; break;
            case "seconds only": drifted["created_at"] = "2026-11-29T10:00:00Z"; break;
            case "seq as string": drifted["seq"] = "1"; break;
            case "unknown role": drifted["role"] = "robot"; break;
            case "upper-case id": drifted["id"] = drifted["id"]!.GetValue<string>().ToUpperInvariant(); break;
            case "null content": drifted["content"] = null; break;
        }

        var problems = schema.Problems(new JsonObject { ["messages"] = new JsonArray(drifted), ["has_more"] = false, ["next_after_seq"] = null }, answerSchema);

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal) && p.StartsWith("$.messages[0]", StringComparison.Ordinal));
    }

    private async Task<JsonNode> AnswerAsync(string method, string template, string path, string token, object? body, int status)
    {
        var response = await Client.SendAsync(new HttpMethod(method), path, token, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{method} {path}: expected {status}, got {(int)response.StatusCode}: {text}");
        var schema = _document.AnswerOf(method, template, status);
        Assert.True(schema is not null, $"{method} {template} {status} has no JSON answer in the document");
        var answer = JsonNode.Parse(text)!;

        Assert.Empty(_document.Problems(answer, schema!).Select(problem => $"{method} {template} {status}: {problem}"));
        _checked.Add((method, template, status));
        return answer;
    }

    /// <summary>Every (method, route, status) whose answer the document gives a JSON schema.</summary>
    private static IEnumerable<string> DocumentedJsonAnswers(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        from response in operation.Value!["responses"]!.AsObject()
        where int.Parse(response.Key, System.Globalization.CultureInfo.InvariantCulture) < 300
            && response.Value!["content"]?["application/json"]?["schema"] is JsonObject { Count: > 0 }
        select $"{operation.Key.ToUpperInvariant()} {path.Key} {response.Key}";

    private static string Describe((string Method, string Template, int Status) answer) => $"{answer.Method} {answer.Template} {answer.Status}";
}
