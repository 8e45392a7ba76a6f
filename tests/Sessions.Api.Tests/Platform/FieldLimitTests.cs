using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Common;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A text field's limit is declared once (<see cref="FieldLimits"/>): the OpenAPI document states
/// it, a value of exactly that length is stored, and one character more is 422 at the field.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class FieldLimitTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    public static TheoryData<string, string, int> Fields => new()
    {
        { "CreateSessionRequest", "title", FieldLimits.SessionTitle },
        { "CreateSessionRequest", "model", FieldLimits.SessionModel },
        { "CreateSessionRequest", "agent", FieldLimits.SessionAgent },
        { "CreateGroupRequest", "title", FieldLimits.GroupText },
        { "CreateGroupRequest", "worker", FieldLimits.GroupText },
        { "RecordItemRequest", "item_type", FieldLimits.ItemType },
        { "RecordItemRequest", "dedupe_key", FieldLimits.ItemText },
        { "RecordItemRequest", "ref", FieldLimits.ItemReference },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task TheDocumentedLimit_IsStored_AndOneCharacterMoreIs422(string schema, string field, int limit)
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        var (workspace, owner, session) = await AMembersSessionAsync();

        Assert.Equal(limit, document["components"]!["schemas"]![schema]!["properties"]![field]!["maxLength"]!.GetValue<int>());
        await (await SendAsync(schema, workspace, owner, session, field, new string('x', limit))).ExpectAsync(HttpStatusCode.Created);
        await (await SendAsync(schema, workspace, owner, session, field, new string('x', limit + 1))).ExpectValidationErrorAsync("body", field);
    }

    private Task<HttpResponseMessage> SendAsync(string schema, TestWorkspace workspace, TestUser owner, Guid session, string field, string value)
    {
        var (path, body) = schema switch
        {
            "CreateSessionRequest" => (workspace.SessionsPath, new JsonObject { ["id"] = Guid.NewGuid(), ["model"] = "m" }),
            "CreateGroupRequest" => ($"{workspace.SessionsPath}/groups", new JsonObject { ["kind"] = "workflow", ["project_id"] = Guid.NewGuid() }),
            _ => ($"{workspace.SessionPath(session)}/items", new JsonObject { ["item_type"] = "finding", ["data"] = new JsonObject() }),
        };
        body[field] = value;
        return Client.PostAsync(path, owner.Token(), body);
    }
}
