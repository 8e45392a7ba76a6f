using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Sessions.Api.Errors;
using Sessions.Api.Health;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Application.Common.Persistence;

namespace Sessions.Api.Tests.Platform;

[Collection(SharedApiCollection.Name)]
public sealed class FrameworkEnvelopeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>
    /// Kestrel ends a body that arrives below its minimum rate with a 408 thrown from the body's
    /// read; its envelope says what happened and the rate to keep, not "could not be processed".
    /// (Over a socket the client may see the connection end before it reads the answer:
    /// <c>LargeBodyTests</c>.)
    /// </summary>
    [Fact]
    public async Task ABodyArrivingTooSlowly_Is408Envelope_NamingTheRateToKeep()
    {
        var middleware = new ErrorHandlingMiddleware(
            _ => throw new BadHttpRequestException("Reading the request body timed out due to data arriving too slowly.", StatusCodes.Status408RequestTimeout),
            Factory.Services.GetRequiredService<IDatabaseErrorClassifier>(),
            Factory.Services.GetRequiredService<RequestLimitSettings>(),
            NullLogger<ErrorHandlingMiddleware>.Instance);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await middleware.InvokeAsync(context);

        context.Response.Body.Position = 0;
        var envelope = (await JsonNode.ParseAsync(context.Response.Body))!;
        Assert.Equal((408, 408, "invalid_request"), (context.Response.StatusCode, envelope["code"]!.GetValue<int>(), envelope["type"]!.GetValue<string>()));
        Assert.Equal("The request body arrived too slowly: one over 1048576 bytes or of unknown length must arrive at 65536 bytes a second at least, any other at 240; send it again over a faster connection.", envelope["detail"]!.GetValue<string>());
    }

    /// <summary>An unknown path is told where the API's routes are.</summary>
    [Fact]
    public async Task UnknownRoute_Is404Envelope_SayingWhereTheRoutesAre()
    {
        var envelope = await (await Client.GetAsync("/no/such/route", token: null)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal("Nothing is at this path: the API's routes are under /api/v1/org/{org}/ws/{workspace}/sessions, described at /swagger.", envelope["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongMethod_Is405Envelope_NamingWhatTheResourceTakes()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var response = await Client.SendAsync(HttpMethod.Put, workspace.SessionPath(Guid.NewGuid()) + "/freeze", owner.Token());

        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal("PUT is not allowed on this resource; it takes POST.", envelope["detail"]!.GetValue<string>());
        Assert.Equal("POST", string.Join(", ", response.Content.Headers.Allow));
    }

    /// <summary>The health routes are read only: a probe's GET or HEAD, nothing else (their library's endpoint takes any method).</summary>
    [Theory]
    [InlineData("DELETE", "/health/live")]
    [InlineData("POST", "/health/ready")]
    [InlineData("PUT", "/health/ready")]
    [InlineData("FOO", "/health/live")]
    public async Task WrongMethod_OnAHealthRoute_Is405Envelope(string method, string path)
    {
        var response = await Client.SendAsync(new HttpMethod(method), path, token: null);

        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal($"{method} is not allowed on this resource; it takes GET, HEAD.", envelope["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(HttpMethod.Head, path, token: null)).StatusCode);
    }

    /// <summary>The documentation is read only, like the API's read routes.</summary>
    [Theory]
    [InlineData("POST", "/swagger/v1/swagger.json")]
    [InlineData("DELETE", "/swagger/index.html")]
    [InlineData("PUT", "/swagger")]
    public async Task WrongMethod_OnTheDocumentation_Is405Envelope(string method, string path)
    {
        var response = await Client.SendAsync(new HttpMethod(method), path, token: null);

        await response.ExpectEnvelopeAsync(HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("DELETE", "usage", "GET, HEAD")]
    [InlineData("PATCH", "facets", "GET, HEAD")]
    [InlineData("GET", "bulk-freeze", "POST")]
    [InlineData("DELETE", "bulk-delete", "POST")]
    [InlineData("DELETE", "groups", "GET, HEAD, POST")]
    [InlineData("PATCH", "grouped", "GET, HEAD")]
    [InlineData("POST", "groups/freeze", "GET, HEAD, PATCH")]
    [InlineData("POST", "facets", "GET, HEAD")]
    [InlineData("PUT", "usage", "GET, HEAD")]
    [InlineData("POST", "grouped", "GET, HEAD")]
    [InlineData("PUT", "bulk-freeze", "POST")]
    [InlineData("PUT", "bulk-share", "POST")]
    [InlineData("PUT", "groups", "GET, HEAD, POST")]
    public async Task WrongMethod_OnALiteralRouteBesideTheSessionIdRoute_Is405WithWhatItTakes_WhetherTheSessionIdRouteTakesTheMethodOrNoRouteDoes(string method, string path, string allowed)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var response = await Client.SendAsync(new HttpMethod(method), $"{workspace.SessionsPath}/{path}", owner.Token(), method == "GET" ? null : "{}");

        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal($"{method} is not allowed on this resource; it takes {allowed}.", envelope["detail"]!.GetValue<string>());
    }

    /// <summary>
    /// Without a JSON body (<c>curl -X PATCH</c>), the wrong method is still what is wrong: no media
    /// type would make it right. A route that takes the method still answers 415 for a body that is no JSON.
    /// </summary>
    [Theory]
    [InlineData("PATCH", "facets", "GET, HEAD", null)]
    [InlineData("PATCH", "usage", "GET, HEAD", "text/plain")]
    [InlineData("POST", "grouped", "GET, HEAD", null)]
    public async Task WrongMethod_OnALiteralRoute_WithoutAJsonBody_Is405(string method, string path, string allowed, string? contentType)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{workspace.SessionsPath}/{path}");
        request.Headers.Authorization = new("Bearer", owner.Token());
        if (contentType is not null)
        {
            request.Content = new StringContent("x", System.Text.Encoding.UTF8, contentType);
        }

        using var text = new HttpRequestMessage(HttpMethod.Post, $"{workspace.SessionsPath}/bulk-freeze") { Content = new StringContent("x", System.Text.Encoding.UTF8, "text/plain") };
        text.Headers.Authorization = new("Bearer", owner.Token());

        var response = await Client.SendAsync(request);
        await response.ExpectEnvelopeAsync(HttpStatusCode.MethodNotAllowed, "invalid_request");
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow));
        await (await Client.SendAsync(text)).ExpectEnvelopeAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    /// <summary>RFC 9110 §9.3.2: HEAD answers as GET does, status and header fields, without content; a route without GET refuses it (405).</summary>
    [Fact]
    public async Task Head_AnswersWhereGetDoes_WithItsStatusAndHeaders()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        async Task<HttpResponseMessage> Send(HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new("Bearer", owner.Token());
            return await Client.SendAsync(request);
        }

        var get = await Send(HttpMethod.Get, workspace.SessionPath(session));
        var head = await Send(HttpMethod.Head, workspace.SessionPath(session));
        var list = await Send(HttpMethod.Head, workspace.SessionsPath + "/facets");
        var missing = await Send(HttpMethod.Head, workspace.SessionPath(Guid.NewGuid()));
        var anonymous = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, workspace.SessionPath(session)));
        var noGet = await Send(HttpMethod.Head, workspace.SessionsPath + "/bulk-freeze");

        Assert.Equal((HttpStatusCode.OK, get.Headers.ETag), (head.StatusCode, head.Headers.ETag));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, noGet.StatusCode);
        Assert.Equal("POST", string.Join(", ", noGet.Content.Headers.Allow));
    }

    [Fact]
    public async Task ASegmentThatIsNeitherASessionNorALiteralRoute_IsStill422AtSessionId()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        await (await Client.SendAsync(HttpMethod.Delete, $"{workspace.SessionsPath}/usages", owner.Token())).ExpectValidationErrorAsync("path", "session_id");
        await (await Client.PostAsync($"{workspace.SessionsPath}/usage/freeze", owner.Token())).ExpectValidationErrorAsync("path", "session_id");
    }

    [Theory]
    [InlineData("0.0.1")]
    [InlineData("not-a-version")]
    public async Task AnyClientVersion_IsServed_WhenNoMinimumIsConfigured(string version)
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        await Client.SendAsync(HttpMethod.Get, workspace.SessionPath(session), owner.Token(), headers: new Dictionary<string, string> { ["X-Client-Version"] = version }).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>A body declared as anything but JSON is 415, a form included (a multipart body was read as a missing JSON body, 422).</summary>
    [Theory]
    [InlineData("", "text/plain")]
    [InlineData("", "application/x-www-form-urlencoded")]
    [InlineData("", "multipart/form-data; boundary=x")]
    [InlineData("/groups", "multipart/form-data; boundary=x")]
    [InlineData("/groups", "multipart/mixed; boundary=x")]
    public async Task WrongMediaType_Is415Envelope(string path, string mediaType)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, workspace.SessionsPath + path) { Content = new StringContent("{\"id\":\"" + Guid.NewGuid() + "\",\"model\":\"m\"}") };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        request.Headers.Authorization = new("Bearer", owner.Token());

        await (await Client.SendAsync(request)).ExpectEnvelopeAsync(HttpStatusCode.UnsupportedMediaType, "invalid_request");
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v0")]
    [InlineData("vx")]
    [InlineData("V2")]
    public async Task UnsupportedApiVersion_Is400(string version)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var response = await Client.GetAsync($"/api/{version}/org/{workspace.Org}/ws/{workspace.Workspace}/sessions/{Guid.NewGuid()}", owner.Token());
        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.BadRequest, "unsupported_api_version");

        Assert.Contains(version[1..], envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", response.Headers.GetValues("api-supported-versions").Single());
    }

    [Fact]
    public async Task SupportedVersions_AreReportedInAHeader()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var response = await Client.GetAsync(workspace.SessionPath(Guid.NewGuid()), owner.Token());

        Assert.Equal("1", response.Headers.GetValues("api-supported-versions").Single());
    }

    /// <summary>
    /// Every answer under <c>/api</c> reports the supported versions (CONTRACT 1), also the ones no
    /// action wrote: a missing token's 401, an unknown route's 404, a method's 405, a media type's
    /// 415 and a body's 400 (the versioning library reports them only for a request it matched).
    /// </summary>
    [Fact]
    public async Task SupportedVersions_AreReportedOnEveryAnswerOfTheApi_ItsRefusalsToo()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var sessions = workspace.SessionsPath;
        var token = owner.Token();
        using var text = new HttpRequestMessage(HttpMethod.Post, sessions) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain") };
        text.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        HttpResponseMessage[] answers =
        [
            await Client.GetAsync(sessions, token: null),
            await Client.GetAsync("/api/v1/no-such-route", token),
            await Client.SendAsync(HttpMethod.Put, sessions, token),
            await Client.SendAsync(text),
            await Client.PostAsync(sessions, token, "{"),
        ];

        Assert.Equal([401, 404, 405, 415, 400], answers.Select(answer => (int)answer.StatusCode));
        Assert.All(answers, answer => Assert.Equal("1", answer.Headers.GetValues("api-supported-versions").Single()));
        Assert.False((await Client.GetAsync("/health/live")).Headers.Contains("api-supported-versions"));
    }

    /// <summary>
    /// An org or workspace segment that is no slug answers 404 as an unknown one does, for a session
    /// the caller reads under the real slugs: a slug in capitals names nothing (CONTRACT 1).
    /// </summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task InvalidOrgOrWorkspaceSlug_Is404(bool inCapitals, bool ofTheWorkspace)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        string Spoilt(string slug) => inCapitals ? slug.ToUpperInvariant() : "-" + slug;
        var (org, ws) = ofTheWorkspace ? (workspace.Org, Spoilt(workspace.Workspace)) : (Spoilt(workspace.Org), workspace.Workspace);
        await (await Client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(HttpStatusCode.OK);

        await (await Client.GetAsync($"/api/v1/org/{org}/ws/{ws}/sessions/{session}", owner.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task HealthLive_And_Ready_AreHealthyWithoutToken()
    {
        var live = await (await Client.GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);
        var ready = await (await Client.GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("healthy", live["status"]!.GetValue<string>());
        Assert.Equal("healthy", ready["checks"]!["database"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheFreezeOperationWithItsErrorEnvelope()
    {
        var document = await (await Client.GetAsync("/swagger/v1/swagger.json", token: null)).ExpectAsync(HttpStatusCode.OK);

        var freeze = document["paths"]!["/api/v1/org/{org}/ws/{workspace}/sessions/{session_id}/freeze"]!["post"]!;
        Assert.Equal("freezeSession", freeze["operationId"]!.GetValue<string>());
        Assert.NotNull(freeze["responses"]!["404"]);
        Assert.NotNull(document["components"]!["schemas"]!["ErrorEnvelope"]!["properties"]!["detail"]);
        Assert.NotNull(document["components"]!["schemas"]!["SessionView"]!["properties"]!["frozen_by"]);

        // A repeated filter's items are sent one by one and none may be null; a single value may be left out as null.
        var parameters = document["paths"]!["/api/v1/org/{org}/ws/{workspace}/sessions"]!["get"]!["parameters"]!.AsArray();
        var origin = parameters.Single(p => p!["name"]!.GetValue<string>() == "origin")!["schema"]!;
        var archived = parameters.Single(p => p!["name"]!.GetValue<string>() == "archived")!["schema"]!;
        Assert.False(origin["items"]!["nullable"]?.GetValue<bool>() ?? false);
        Assert.True(archived["nullable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task OpenApiDocument_EveryOperationHasAnIdAnswersAndTheEnvelope()
    {
        var document = await (await Client.GetAsync("/swagger/v1/swagger.json", token: null)).ExpectAsync(HttpStatusCode.OK);
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Name: $"{operation.Key} {path.Key}", Operation: operation.Value!)))
            .ToList();

        Assert.True(operations.Count >= 19, $"only {operations.Count} operations documented");
        Assert.Equal(operations.Count, operations.Select(o => o.Operation["operationId"]!.GetValue<string>()).Distinct().Count());
        foreach (var (name, operation) in operations)
        {
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.Any(r => r.Key.StartsWith('2')), $"{name} documents no success answer");
            // 414: a query the validators accept can be longer than the request target the service reads (ADR 0018).
            foreach (var status in new[] { "400", "401", "403", "404", "414", "422", "500" })
            {
                var schema = responses[status]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
                Assert.True(schema == "#/components/schemas/ErrorEnvelope", $"{name} does not document {status} as the envelope");
            }
        }
    }

    /// <summary>
    /// The OpenAPI document carries a validator: asked again with its ETag it is 304 with no body,
    /// with another tag (or none) the document itself; <c>no-cache</c> makes a browser ask each time.
    /// </summary>
    [Fact]
    public async Task TheOpenApiDocument_IsAnswered304_WhileTheTagAClientHoldsIsCurrent()
    {
        var first = await Client.GetAsync("/swagger/v1/swagger.json", token: null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.True(first.Headers.CacheControl?.NoCache);
        var document = await first.Content.ReadAsStringAsync();

        var held = await Client.SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", token: null, headers: new Dictionary<string, string> { ["If-None-Match"] = tag.ToString() });
        Assert.Equal(HttpStatusCode.NotModified, held.StatusCode);
        Assert.Equal(tag, held.Headers.ETag);
        Assert.Empty(await held.Content.ReadAsByteArrayAsync());

        var weak = await Client.SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", token: null, headers: new Dictionary<string, string> { ["If-None-Match"] = $"W/{tag}" });
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);

        var other = await Client.SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", token: null, headers: new Dictionary<string, string> { ["If-None-Match"] = "\"0123\"" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(document, await other.Content.ReadAsStringAsync());
        Assert.Equal(tag, other.Headers.ETag);
    }

    /// <summary>
    /// HEAD of the OpenAPI document answers as its GET does (docs/api.md): the same status, validator
    /// and caching, and 304 while the tag a client holds is current, without the document.
    /// </summary>
    [Fact]
    public async Task HeadOfTheOpenApiDocument_CarriesTheHeadersOfItsGet()
    {
        var get = await Client.GetAsync("/swagger/v1/swagger.json", token: null);
        var head = await Client.SendAsync(HttpMethod.Head, "/swagger/v1/swagger.json", token: null);
        var held = await Client.SendAsync(HttpMethod.Head, "/swagger/v1/swagger.json", token: null, headers: new Dictionary<string, string> { ["If-None-Match"] = get.Headers.ETag!.ToString() });

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.NotNull(head.Headers.ETag);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, held.StatusCode);
        Assert.Equal(get.Headers.ETag, held.Headers.ETag);
        Assert.Empty(await held.Content.ReadAsByteArrayAsync());
    }

    /// <summary>A document the service does not serve is a 404 in the envelope, with no validator, by either method.</summary>
    [Fact]
    public async Task ADocumentNotServed_Is404InTheEnvelope_WithoutAValidator()
    {
        var get = await Client.GetAsync("/swagger/v2/swagger.json", token: null);
        var head = await Client.SendAsync(HttpMethod.Head, "/swagger/v2/swagger.json", token: null);

        await get.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Null(get.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Null(head.Headers.ETag);
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        var response = await Client.GetAsync("/swagger/index.html", token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DevToken_OutsideDevelopment_Is404()
    {
        await (await Client.PostAsync("/dev/token", token: null, new { email = "a@b.c", org = "demo", workspace = "default" })).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }
}

/// <summary>A host one of whose readiness checks fails, as a dependency down would.</summary>
public sealed class NotReadyApiFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHealthChecks()
            .AddCheck("probe", () => HealthCheckResult.Unhealthy("The probe's dependency is down."), [HealthEndpoints.ReadyTag]));
    }
}

public sealed class NotReadyTests(NotReadyApiFactory factory) : IClassFixture<NotReadyApiFactory>
{
    /// <summary>Not ready is a non-2xx answer like any other: the envelope, its detail naming the failed check; live stays 200.</summary>
    [Fact]
    public async Task NotReady_Is503Envelope_NamingTheFailedCheck()
    {
        var client = factory.CreateClient();

        var ready = await (await client.GetAsync("/health/ready", token: null)).ExpectEnvelopeAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");

        Assert.Equal("Not ready: The probe's dependency is down.", ready["detail"]!.GetValue<string>());
        await (await client.GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);
    }
}
