using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Organizations;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// Thousands of generated bad requests over every route: broken paths, query strings, bodies,
/// headers and charsets. None may be a 5xx; every refusal is the envelope with its status as
/// <c>code</c>; the service is healthy afterwards. The generator is seeded, so a failure names the
/// seed and the request's index, and reproduces.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class FuzzTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>The fixed seed CI runs; <c>SESSIONS_FUZZ_SEED</c> explores others.</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("SESSIONS_FUZZ_SEED"), out var seed) ? seed : 20261128;
    private const int Requests = 3200;

    private static readonly string[] EnvelopeTypes =
    [
        "invalid_request", "malformed_json", "ambiguous_session_id", "unsupported_api_version", "authentication_error",
        "permission_denied", "not_found", "already_exists", "session_frozen", "conflict", "precondition_failed",
        "validation_error", "upgrade_required", "rate_limited",
    ];

    // %00 in a path is refused by Kestrel before the app runs (documented in docs/api.md), and the
    // in-memory server cannot even send it; it appears in query strings and bodies instead.
    private static readonly string[] BadSegments =
    [
        "", "a", "abc", "zzzz", "0000", "00000000-", "%2e%2e", "..", "%ff", "%c0%af", "null", "-1", "%20", "x%0Ay",
        "\u00fc\u00fc\u00fc\u00fc", "%E2%80%AE", "0123456789abcdef0123456789abcdef0123", "{{", "'; DROP TABLE sessions;--", "%25%25%25%25",
        "aaaa_", "aaaa%", "AAAA", "00000000-0000-0000-0000-000000000000", "bulk-freeze", "facets", "groups", "grouped", "usage",
        new string('f', 40), new string('a', 2000),
    ];

    private static readonly string[] BadValues =
    [
        "", "-1", "0", "99999999999999999999", "1e5", "abc", "%00", "\uFF11", "true", "null", "[]", "%ff", "key:", ":v", "a:b:c",
        "NaN", "%201", "1.5", "2147483648", "-9223372036854775809", "%22", "k%00:v", new string('s', 300), "team:red", "USER", "Eval",
        "updated_at", "desc", "any", Guid.NewGuid().ToString(), "%E2%80%AE", "%F0%9F%98%80", "0x10", "Team:red", "a%20b:c",
    ];

    private static readonly string[] QueryNames =
    [
        "page", "limit", "sort_by", "sort_dir", "archived", "search", "label", "agent", "model", "origin", "user_id", "user",
        "project_id", "include_workload_sessions", "after_seq", "include_compacted", "q", "format", "download",
        "status", "kind", "sessions_per_group", "group_by", "from", "to", "after_id",
    ];

    private static readonly JsonNode?[] BadJsonValues =
    [
        null, "", "x\u0000y", "5", "-1", "USER", "\uD800", 1.5, -1, 0, long.MaxValue, 1e300, true, false, new JsonArray(), new JsonObject(),
        new JsonArray(1, "a", null), new JsonObject { ["nested"] = new JsonObject { ["deep"] = 1 } }, new string('x', 5000), "00000000-0000-0000-0000-000000000000",
        "not-a-uuid", "2026-13-45T99:99:99Z", "evaluation", "workspace", "private", "{\"a\":1}", 123456789012345678,
    ];

    [Fact]
    public async Task ThousandsOfBadRequests_NoneIsA5xx_EveryRefusalIsTheEnvelope_AndTheServiceStaysHealthy()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var admin = await workspace.AddMemberAsync(WorkspaceRole.Admin);
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "hello" }, new { role = "assistant", content = "hi", usage = new { input_tokens = 3 } });
        var frozen = (await Client.CreateSessionAsync(workspace, owner)).Id();
        await (await Client.PostAsync(workspace.SessionPath(frozen) + "/freeze", owner.Token())).ExpectAsync(HttpStatusCode.OK);
        var untouched = (await Client.CreateSessionAsync(workspace, admin)).Id();
        var group = (await Client.PostAsync($"{workspace.SessionsPath}/groups", owner.Token(), new { kind = "workflow", project_id = Guid.NewGuid() }).ExpectAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Client.PostAsync($"{workspace.SessionPath(session)}/items", owner.Token(), new { item_type = "finding", data = new { k = 1 }, dedupe_key = "first" }).ExpectAsync(HttpStatusCode.Created);
        var world = new World(workspace, owner, admin, session, frozen, group);
        var random = new Random(Seed);
        var failures = new List<string>();

        for (var index = 0; index < Requests && failures.Count < 20; index++)
        {
            var request = Generate(random, world);
            var failure = await CheckAsync(request);
            if (failure is not null)
            {
                failures.Add($"seed {Seed}, request {index}: {request.Describe()} -> {failure}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var ready = await (await Client.GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", ready["status"]!.GetValue<string>());
        await (await Client.GetAsync(workspace.SessionPath(untouched), admin.Token())).ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<string?> CheckAsync(FuzzRequest fuzz)
    {
        using var request = fuzz.ToMessage();
        HttpResponseMessage response;
        try
        {
            response = await Client.SendAsync(request);
        }
        catch (HttpRequestException exception)
        {
            return $"transport failure {exception.Message}";
        }

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500)
        {
            return $"{status} {Cut(text)}";
        }

        if (status < 300)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return $"{status} without a JSON envelope: {Cut(text)}";
        }

        try
        {
            var envelope = JsonNode.Parse(text)!.AsObject();
            var code = envelope["code"]?.GetValue<int>();
            var type = envelope["type"]?.GetValue<string>();
            var detail = envelope["detail"]?.GetValue<string>();
            if (code != status || type is null || !EnvelopeTypes.Contains(type) || string.IsNullOrWhiteSpace(detail))
            {
                return $"{status} with a malformed envelope: {Cut(text)}";
            }

            if (type == "validation_error" && envelope["errors"] is not JsonArray { Count: > 0 })
            {
                return $"422 without field errors: {Cut(text)}";
            }
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException)
        {
            return $"{status} whose body is not the envelope: {Cut(text)}";
        }

        return null;
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "..." : text;

    private static FuzzRequest Generate(Random random, World world)
    {
        var route = Routes[random.Next(Routes.Length)];
        var path = route.Path(world, random);
        var request = new FuzzRequest(route.Method, path, Token: world.Owner.Token(), Body: route.Body?.Invoke(world));
        if (route.Admin)
        {
            request = request with { Token = world.Admin.Token(Scopes) };
        }

        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            request = Mutators[random.Next(Mutators.Length)](request, random, world);
        }

        return request;
    }

    private static readonly string[] Scopes = ["sessions:read", "sessions:write", "admin"];

    private static readonly Route[] Routes =
    [
        new("POST", (w, _) => w.Sessions, w => new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["model"] = "m", ["title"] = "t", ["labels"] = new JsonObject { ["team"] = new JsonArray("red") } }),
        new("GET", (w, _) => w.Sessions),
        new("GET", (w, _) => w.Sessions + "/facets"),
        new("GET", (w, r) => w.SessionAt(r)),
        new("PATCH", (w, r) => w.SessionAt(r), _ => new JsonObject { ["title"] = "renamed", ["visibility"] = "workspace" }),
        new("DELETE", (w, r) => w.SessionAt(r)),
        new("POST", (w, r) => w.SessionAt(r) + "/freeze"),
        new("POST", (w, r) => w.SessionAt(r) + "/archive"),
        new("POST", (w, r) => w.SessionAt(r) + "/unarchive"),
        new("POST", (w, r) => w.SessionAt(r) + "/pin"),
        new("POST", (w, r) => w.SessionAt(r) + "/unpin"),
        new("POST", (w, _) => w.Sessions + "/bulk-freeze", w => new JsonObject { ["session_ids"] = new JsonArray(w.Frozen.ToString()) }),
        new("POST", (w, _) => w.Sessions + "/bulk-share", w => new JsonObject { ["session_ids"] = new JsonArray(w.Session.ToString()) }),
        new("POST", (w, _) => w.Sessions + "/bulk-delete", _ => new JsonObject { ["session_ids"] = new JsonArray(Guid.NewGuid().ToString()) }),
        new("POST", (w, r) => w.SessionAt(r) + "/transcript", _ => new JsonObject
        {
            ["context"] = new JsonObject { ["model"] = "m", ["agent"] = "a", ["system_prompt"] = "s" },
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "assistant", ["content"] = "c", ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "c1", ["name"] = "f", ["arguments"] = new JsonObject { ["x"] = 1 } }),
                ["usage"] = new JsonObject { ["input_tokens"] = 1, ["output_tokens"] = 2, ["cost_usd"] = 0.5 }, ["metadata"] = new JsonObject { ["k"] = "v" },
            }),
        }),
        new("GET", (w, r) => w.SessionAt(r) + "/transcript"),
        new("POST", (w, r) => w.SessionAt(r) + "/transcript/compact", _ => new JsonObject { ["summary"] = new JsonObject { ["role"] = "system", ["content"] = "sum" }, ["up_to_seq"] = 1 }),
        new("POST", (w, r) => w.SessionAt(r) + "/rewind", _ => new JsonObject { ["from_seq"] = 1 }),
        new("GET", (w, r) => w.SessionAt(r) + "/messages/search?q=hel"),
        new("POST", (w, _) => w.Sessions + "/groups", _ => new JsonObject
        {
            ["kind"] = "evaluation_item", ["project_id"] = Guid.NewGuid().ToString(), ["title"] = "t", ["status"] = "running", ["capability"] = "c",
            ["evaluation_item_id"] = Guid.NewGuid().ToString(), ["runtime_id"] = Guid.NewGuid().ToString(), ["metadata"] = new JsonObject { ["k"] = new JsonArray(1, 2) },
        }),
        new("GET", (w, _) => w.Sessions + "/groups?status=running&kind=workflow"),
        new("GET", (w, _) => $"{w.Sessions}/groups/{w.Group}?include_workload_sessions=true"),
        new("PATCH", (w, _) => $"{w.Sessions}/groups/{w.Group}", _ => new JsonObject { ["title"] = "renamed", ["status"] = "running", ["metadata"] = new JsonObject { ["k"] = "v" } }),
        new("GET", (w, _) => w.Sessions + "/grouped?sessions_per_group=5"),
        new("POST", (w, r) => w.SessionAt(r) + "/items", _ => new JsonObject
        {
            ["item_type"] = "finding", ["data"] = new JsonObject { ["score"] = 1 }, ["title"] = "t", ["dedupe_key"] = "first", ["source"] = "runtime",
            ["project_id"] = Guid.NewGuid().ToString(), ["disposition"] = new JsonObject { ["state"] = "open" },
        }),
        new("GET", (w, r) => w.SessionAt(r) + "/items?limit=10"),
        new("GET", (w, r) => w.SessionAt(r) + "/events?limit=10"),
        new("GET", (w, _) => w.Sessions + "/usage?group_by=label:team&from=2026-01-01T00:00:00Z"),
        new("GET", (w, r) => w.SessionAt(r) + "/trajectory?format=atif&download=true"),
        new("GET", (w, _) => w.Base + "/members", Admin: true),
        new("PUT", (w, _) => $"{w.Base}/members/{Guid.NewGuid()}", _ => new JsonObject { ["role"] = "viewer" }, Admin: true),
        new("DELETE", (w, _) => $"{w.Base}/members/{Guid.NewGuid()}", Admin: true),
        new("POST", (_, _) => "/api/v1/orgs", _ => new JsonObject { ["slug"] = $"f-{Guid.NewGuid():N}"[..20], ["name"] = "n" }, Admin: true),
        new("POST", (w, _) => $"/api/v1/org/{w.Workspace.Org}/workspaces", _ => new JsonObject { ["slug"] = $"w-{Guid.NewGuid():N}"[..20] }, Admin: true),
    ];

    private static readonly Func<FuzzRequest, Random, World, FuzzRequest>[] Mutators =
    [
        // A path segment replaced by something that is not what it should be.
        (request, random, _) =>
        {
            var (path, query) = SplitQuery(request.Path);
            var segments = path.Split('/');
            var at = 1 + random.Next(segments.Length - 1);
            segments[at] = Pick(random, BadSegments);
            return request with { Path = string.Join('/', segments) + query };
        },

        // Query parameters: bad values, empty, repeated, without a value.
        (request, random, _) =>
        {
            var parts = Enumerable.Range(0, 1 + random.Next(4)).Select(_ =>
            {
                var name = Pick(random, QueryNames);
                return random.Next(6) switch
                {
                    0 => name,
                    1 => $"{name}=",
                    2 => $"{name}={Pick(random, BadValues)}&{name}={Pick(random, BadValues)}",
                    3 => string.Join('&', Enumerable.Range(0, 60).Select(i => $"{name}=v{i}")),
                    _ => $"{name}={Pick(random, BadValues)}",
                };
            });
            var separator = request.Path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            return request with { Path = request.Path + separator + string.Join('&', parts) };
        },

        // One field of the body replaced, removed, or joined by an unknown one.
        (request, random, _) =>
        {
            if (request.Body is not JsonObject body)
            {
                return request with { Body = new JsonObject { ["x"] = Clone(Pick(random, BadJsonValues)) } };
            }

            var target = PickObject(body, random);
            var keys = target.Select(p => p.Key).ToList();
            if (keys.Count == 0 || random.Next(5) == 0)
            {
                target["unexpected_" + random.Next(100)] = Clone(Pick(random, BadJsonValues));
            }
            else if (random.Next(4) == 0)
            {
                target.Remove(Pick(random, keys));
            }
            else
            {
                target[Pick(random, keys)] = Clone(Pick(random, BadJsonValues));
            }

            return request;
        },

        // The body's bytes themselves: not JSON, truncated, not UTF-8, too deep, too wide, empty.
        (request, random, _) => request with
        {
            RawBody = random.Next(8) switch
            {
                0 => "{\"messages\": [".Select(c => (byte)c).ToArray(),
                1 => [0x7B, 0x22, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xC0, 0xAF, 0x22, 0x7D],
                2 => Encoding.UTF8.GetBytes(new string('[', 300) + new string(']', 300)),
                3 => Encoding.UTF8.GetBytes("{\"session_ids\": [" + string.Join(',', Enumerable.Range(0, 5000).Select(_ => "\"" + Guid.NewGuid() + "\"")) + "]}"),
                4 => [],
                5 => Encoding.UTF8.GetBytes("[1, 2, 3]"),
                6 => Encoding.UTF8.GetBytes("\"just a string\""),
                _ => Encoding.UTF8.GetBytes("{\"a\":" + new string('{', 100) + new string('}', 100) + "}"),
            },
        },

        // Headers: media types and charsets, If-Match, client versions, broken credentials.
        (request, random, world) => random.Next(9) switch
        {
            0 => request with { ContentType = Pick(random, ["text/plain", "application/json; charset=utf-16", "application/xml", "application/json; charset=", "garbage/;;", "multipart/form-data"]) },
            1 => request with { Headers = [.. request.Headers, ("If-Match", Pick(random, ["*", "\"1\"", "W/\"1\"", "\"x\"", "garbage", "\"99999999999999999999\"", ""]))] },
            2 => request with { Headers = [.. request.Headers, ("X-Client-Version", Pick(random, ["1.0", "banana", "v", "99999999.1", "-1", ""]))] },
            3 => request with { Token = null },
            4 => request with { Token = "not.a.token" },
            5 => request with { Token = TestTokens.Create(world.Owner.Id, ["sessions:read"], world.Owner.Email, expires: DateTime.UtcNow.AddHours(-2)) },
            6 => request with { Token = TestTokens.Create(world.Owner.Id, ["sessions:read", "sessions:write"], world.Owner.Email, signingKey: "another-signing-key-of-enough-length-0123456789") },
            7 => request with { Headers = [.. request.Headers, ("Authorization", "Basic dXNlcjpwYXNz")], Token = null },
            _ => request with { Token = TestTokens.Create(Guid.NewGuid(), ["sessions:read", "sessions:write"], name: new string('n', 400)) },
        },

        // Another method on the same path.
        (request, random, _) => request with { Method = Pick(random, ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]) },
    ];

    private static (string Path, string Query) SplitQuery(string path)
    {
        var question = path.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (path, "") : (path[..question], path[question..]);
    }

    private static JsonObject PickObject(JsonObject body, Random random)
    {
        var current = body;
        while (random.Next(2) == 0)
        {
            var children = current.Select(p => p.Value).SelectMany(v => v is JsonArray array ? array.OfType<JsonObject>() : v is JsonObject o ? [o] : []).ToList();
            if (children.Count == 0)
            {
                break;
            }

            current = Pick(random, children);
        }

        return current;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    private sealed record World(TestWorkspace Workspace, TestUser Owner, TestUser Admin, Guid Session, Guid Frozen, string Group)
    {
        public string Base => $"/api/v1/org/{Workspace.Org}/ws/{Workspace.Workspace}";

        public string Sessions => Workspace.SessionsPath;

        public string SessionAt(Random random) => Workspace.SessionPath(random.Next(3) switch
        {
            0 => Session.ToString(),
            1 => Frozen.ToString()[..8],
            _ => Session.ToString().ToUpperInvariant(),
        });
    }

    private sealed record Route(string Method, Func<World, Random, string> Path, Func<World, JsonObject>? Body = null, bool Admin = false);

    private sealed record FuzzRequest(string Method, string Path, string? Token, JsonObject? Body)
    {
        public byte[]? RawBody { get; init; }

        public string? ContentType { get; init; }

        public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

        public string Describe()
        {
            var body = RawBody is not null ? $"{RawBody.Length} raw bytes" : Body?.ToJsonString() ?? "no body";
            var headers = string.Join(", ", Headers.Select(h => $"{h.Name}: {h.Value}"));
            return $"{Method} {(Path.Length > 200 ? Path[..200] + "..." : Path)} [{ContentType ?? "application/json"}; {headers}; token {(Token is null ? "none" : "set")}] {(body.Length > 300 ? body[..300] + "..." : body)}";
        }

        public HttpRequestMessage ToMessage()
        {
            // An absolute address, so a path that starts with "//" (an emptied first segment) stays
            // a path on this server instead of naming another host.
            var message = new HttpRequestMessage(new HttpMethod(Method), new Uri("http://localhost" + Path));
            var bytes = RawBody ?? (Body is null ? null : Encoding.UTF8.GetBytes(Body.ToJsonString()));
            if (bytes is not null)
            {
                message.Content = new ByteArrayContent(bytes);
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType ?? "application/json");
            }

            if (Token is not null)
            {
                message.Headers.Authorization = new("Bearer", Token);
            }

            foreach (var (name, value) in Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            return message;
        }
    }
}
