using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// A host with operational limits small enough to test: 3 requests per principal per minute,
/// one allowed browser origin, a minimum client version, captured logs, and a route that fails.
/// </summary>
public sealed class OperationsApiFactory : LoggedApiFactory
{
    public const string Origin = "https://app.example.com";
    public const string BoomPath = "/test/boom";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RateLimiting:PermitLimit"] = "3",
        ["RateLimiting:WindowSeconds"] = "60",
        ["Cors:AllowedOrigins:0"] = Origin,
        ["Compatibility:MinimumClientVersion"] = "2.1.0",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Sessions.Api.Operations.RequestLogging"] = "Debug",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, BoomRoute>());
    }

    /// <summary>Past every endpoint: a path no endpoint serves throws, as a bug would.</summary>
    private sealed class BoomRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) => context.Request.Path == BoomPath
                ? throw new InvalidOperationException("simulated defect with a secret in it")
                : rest(context));
        };
    }
}

public sealed class OperationsTests(OperationsApiFactory factory) : ApiTest<OperationsApiFactory>(factory), IClassFixture<OperationsApiFactory>
{
    [Fact]
    public async Task RateLimit_FourthRequestOfAPrincipalInAWindow_Is429WithRetryAfter_OthersUnaffected()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var busy = await workspace.AddMemberAsync();
        var other = await workspace.AddMemberAsync();
        var path = workspace.SessionPath(Guid.NewGuid());

        for (var i = 0; i < 3; i++)
        {
            await (await Client.GetAsync(path, busy.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        }

        var limited = await Client.GetAsync(path, busy.Token());
        await limited.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = limited.RetryAfterSeconds();
        Assert.InRange(retryAfter, 1, 60);
        await (await Client.GetAsync(path, other.Token())).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        for (var i = 0; i < 5; i++)
        {
            await (await Client.GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);
        }
    }

    /// <summary>A principal's subject spelled otherwise (no hyphens, braces, upper case) is the same principal, and counts in the same window.</summary>
    [Fact]
    public async Task RateLimit_CountsAPrincipalAsOne_HoweverItsSubjectIsSpelled()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var busy = await workspace.AddMemberAsync();
        var path = workspace.SessionPath(Guid.NewGuid());
        string[] spellings = [busy.Id.ToString(), busy.Id.ToString("N"), busy.Id.ToString("B").ToUpperInvariant()];

        foreach (var subject in spellings)
        {
            var token = TestTokens.Create(busy.Id, ["sessions:read", "sessions:write"], busy.Email, subject: subject);
            await (await Client.GetAsync(path, token)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        }

        var respelled = TestTokens.Create(busy.Id, ["sessions:read", "sessions:write"], busy.Email, subject: busy.Id.ToString("D").ToUpperInvariant());
        await (await Client.GetAsync(path, respelled)).ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Cors_PreflightFromAnAllowedOrigin_IsAnswered_AndOtherOriginsAreNot()
    {
        var allowed = await PreflightAsync(OperationsApiFactory.Origin);
        var refused = await PreflightAsync("https://evil.example.com");

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(OperationsApiFactory.Origin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_ActualRequest_ExposesTheHeadersClientsRead()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var response = await Client.SendAsync(HttpMethod.Post, workspace.SessionsPath, owner.Token(), new { id = Guid.NewGuid(), model = "m" }, new Dictionary<string, string> { ["Origin"] = OperationsApiFactory.Origin });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(OperationsApiFactory.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single();
        Assert.Contains("ETag", exposed, StringComparison.Ordinal);
        Assert.Contains("Location", exposed, StringComparison.Ordinal);
    }

    /// <summary>A browser frontend reads a download's file name: <c>Content-Disposition</c> is no header CORS lets a page read unless it is exposed.</summary>
    [Fact]
    public async Task Cors_ADownload_ExposesItsFileName()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = Guid.NewGuid();
        await (await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id, model = "m" })).ExpectAsync(HttpStatusCode.Created);

        var response = await Client.SendAsync(HttpMethod.Get, $"{workspace.SessionsPath}/{id}/trajectory?download=true", owner.Token(), body: null, new Dictionary<string, string> { ["Origin"] = OperationsApiFactory.Origin });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Content.Headers.ContentDisposition);
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single().Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("Content-Disposition", exposed, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("2.0.9", HttpStatusCode.UpgradeRequired)]
    [InlineData("1.9", HttpStatusCode.UpgradeRequired)]
    [InlineData("2.1.0", HttpStatusCode.NotFound)]
    [InlineData("v3", HttpStatusCode.NotFound)]
    [InlineData("2.1.1-beta.1", HttpStatusCode.NotFound)]
    [InlineData("banana", HttpStatusCode.BadRequest)]
    [InlineData("\uFF11.\uFF10", HttpStatusCode.BadRequest)]
    [InlineData("\u0663.0", HttpStatusCode.BadRequest)]
    public async Task ClientVersion_BelowTheMinimum_Is426(string version, HttpStatusCode expected)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        var response = await Client.SendAsync(HttpMethod.Get, workspace.SessionPath(Guid.NewGuid()), owner.Token(), headers: new Dictionary<string, string> { ["X-Client-Version"] = version });

        var envelope = await response.ExpectEnvelopeAsync(expected, expected switch
        {
            HttpStatusCode.UpgradeRequired => "upgrade_required",
            HttpStatusCode.BadRequest => "invalid_request",
            _ => "not_found",
        });
        if (expected == HttpStatusCode.UpgradeRequired)
        {
            Assert.Contains("2.1.0", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/API/v1")]
    [InlineData("/Api/v1")]
    public async Task ClientVersion_BelowTheMinimum_Is426_HoweverThePathIsCased(string prefix)
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var path = prefix + workspace.SessionPath(Guid.NewGuid())["/api/v1".Length..];

        var response = await Client.SendAsync(HttpMethod.Get, path, owner.Token(), headers: new Dictionary<string, string> { ["X-Client-Version"] = "1.0" });

        await response.ExpectEnvelopeAsync(HttpStatusCode.UpgradeRequired, "upgrade_required");
    }

    [Fact]
    public async Task ClientVersion_WithoutTheHeader_IsServed()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();

        await Client.CreateSessionAsync(workspace, owner);
    }

    [Fact]
    public async Task Logs_OneLinePerRequestAndPerCommand_WithRouteTemplatePrincipalAndCorrelationId()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        var correlation = Guid.NewGuid().ToString("N");

        var response = await Client.SendAsync(HttpMethod.Post, workspace.SessionPath(session) + "/freeze", owner.Token(), headers: new Dictionary<string, string> { ["traceparent"] = $"00-{correlation}-00f067aa0ba902b7-01" });

        Assert.Equal(correlation, response.Headers.GetValues("X-Correlation-Id").Single());
        var requestLine = Assert.Single(Factory.Logs.Lines, l => l.Properties.TryGetValue("CorrelationId", out var id) && Equals(id, correlation) && l.Properties.ContainsKey("Route"));
        Assert.Equal("POST", requestLine.Properties["Method"]);
        Assert.Equal("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}/freeze", requestLine.Properties["Route"]);
        Assert.Equal(200, requestLine.Properties["StatusCode"]);
        Assert.Equal(owner.Id.ToString(), requestLine.Properties["PrincipalId"]);
        Assert.IsType<double>(requestLine.Properties["ElapsedMs"]);
        Assert.DoesNotContain(session.ToString(), requestLine.Message, StringComparison.Ordinal);
        var commandLine = Assert.Single(Factory.Logs.Lines, l => l.Scope.TryGetValue("CorrelationId", out var id) && Equals(id, correlation) && l.Properties.ContainsKey("MessageName"));
        Assert.Equal("FreezeSessionCommand", commandLine.Properties["MessageName"]);
        Assert.Equal("Success", commandLine.Properties["Outcome"]);
        Assert.Equal(owner.Id.ToString(), commandLine.Scope["PrincipalId"]);
        Assert.Contains($"PrincipalId:{owner.Id} CorrelationId:{correlation}", commandLine.ScopeText, StringComparison.Ordinal);
        Assert.DoesNotContain("{OriginalFormat}", commandLine.Scope.Keys);
    }

    /// <summary>Probes call the health routes every few seconds: answered, they are logged at Debug, below the default level; a failure of one is logged as any request.</summary>
    [Fact]
    public async Task Logs_HealthProbesAnswered_AreAtDebug_OthersAreNot()
    {
        var live = Guid.NewGuid().ToString("N");
        var ready = Guid.NewGuid().ToString("N");
        var missing = Guid.NewGuid().ToString("N");

        await Client.SendAsync(HttpMethod.Get, "/health/live", token: null, headers: Traced(live)).ExpectAsync(HttpStatusCode.OK);
        await Client.SendAsync(HttpMethod.Get, "/HEALTH/ready", token: null, headers: Traced(ready)).ExpectAsync(HttpStatusCode.OK);
        await Client.SendAsync(HttpMethod.Get, "/health/everything", token: null, headers: Traced(missing)).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");

        LogLevel LevelOf(string correlation) => Assert.Single(Factory.Logs.Lines, l => Equals(l.Properties.GetValueOrDefault("CorrelationId"), correlation)).Level;
        Assert.Equal(LogLevel.Debug, LevelOf(live));
        Assert.Equal(LogLevel.Debug, LevelOf(ready));
        Assert.Equal(LogLevel.Information, LevelOf(missing));
    }

    [Fact]
    public async Task Metrics_AreOffByDefault()
    {
        await Client.GetAsync("/metrics", token: null).ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(document["paths"]!["/metrics"]);
    }

    [Fact]
    public async Task EveryAnswer_IsNeitherStoredNorSniffed_EnvelopesAndRejectionsIncluded()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var id = Guid.NewGuid();
        var created = await Client.PostAsync(workspace.SessionsPath, owner.Token(), new { id, model = "m" });
        var read = await Client.GetAsync(workspace.SessionPath(id), owner.Token());
        var missing = await Client.GetAsync(workspace.SessionPath(Guid.NewGuid()), owner.Token());
        var limited = await Client.GetAsync(workspace.SessionPath(id), owner.Token());
        var anonymous = await Client.GetAsync(workspace.SessionPath(id), token: null);
        var failed = await Client.SendAsync(HttpMethod.Get, OperationsApiFactory.BoomPath, token: null);

        await created.ExpectAsync(HttpStatusCode.Created);
        await read.ExpectAsync(HttpStatusCode.OK);
        await missing.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
        await limited.ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        await anonymous.ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        await failed.ExpectEnvelopeAsync(HttpStatusCode.InternalServerError, "internal_error");
        foreach (var response in new[] { created, read, missing, limited, anonymous, failed })
        {
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task UnexpectedFailure_Is500WithTheCorrelationId_AndTheLogLineHasTheException()
    {
        var response = await Client.SendAsync(HttpMethod.Get, OperationsApiFactory.BoomPath, token: null);
        var correlation = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", correlation);

        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.Contains(correlation, envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", envelope["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var error = Assert.Single(Factory.Logs.Lines, l => l.Level == LogLevel.Error && Equals(l.Properties.GetValueOrDefault("CorrelationId"), correlation));
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Contains(Factory.Logs.Lines, l => Equals(l.Properties.GetValueOrDefault("CorrelationId"), correlation) && Equals(l.Properties.GetValueOrDefault("StatusCode"), 500));
    }

    private static Dictionary<string, string> Traced(string correlation) => new() { ["traceparent"] = $"00-{correlation}-00f067aa0ba902b7-01" };

    private Task<HttpResponseMessage> PreflightAsync(string origin) =>
        Client.SendAsync(HttpMethod.Options, "/api/v1/org/acme/ws/lab/sessions/0123abcd", token: null, headers: new Dictionary<string, string>
        {
            ["Origin"] = origin,
            ["Access-Control-Request-Method"] = "PATCH",
            ["Access-Control-Request-Headers"] = "authorization,content-type,if-match",
        });
}
