using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Sessions.Api.Health;
using Sessions.Api.Security;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Platform;

/// <summary>A host configured as production with a signing key but without issuer or audience.</summary>
public sealed class UnsafeAuthApiFactory(string? issuer, string? audience, string environment) : ApiFactory
{
    protected override string EnvironmentName => environment;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:Issuer"] = issuer,
        ["Auth:Audience"] = audience,
    };
}

/// <summary>A host whose settings (<c>Auth:*</c> and any other) the test gives, on top of the test defaults.</summary>
public sealed class AuthSettingsApiFactory(IReadOnlyDictionary<string, string?> auth, string environment) : ApiFactory
{
    protected override string EnvironmentName => environment;

    protected override IReadOnlyDictionary<string, string?> Settings => auth;
}

/// <summary>A Development host whose token endpoint logs are captured.</summary>
public sealed class DevelopmentWithLogsApiFactory : LoggedApiFactory
{
    protected override string EnvironmentName => "Development";
}

/// <summary>A Development host whose token endpoint is open to remote callers on purpose.</summary>
public sealed class RemoteTokensApiFactory : ApiFactory
{
    protected override string EnvironmentName => "Development";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Development:AllowRemoteTokens"] = "true" };
}

/// <summary>A host behind a proxy at 10.0.0.7, allowing 2 requests per partition and minute.</summary>
public sealed class BehindProxyApiFactory : ApiFactory
{
    public const string Proxy = "10.0.0.7";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["ForwardedHeaders:Enabled"] = "true",
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["RateLimiting:PermitLimit"] = "2",
    };
}

public sealed class HostileConfigurationTests
{
    [Theory]
    [InlineData("", "sessions-api", "Production")]
    [InlineData("sessions-tests", "", "Production")]
    [InlineData("", "", "Staging")]
    [InlineData("", "", "Development")]
    public async Task SigningKeyWithoutIssuerOrAudience_RefusesToStart(string issuer, string audience, string environment)
    {
        await using var factory = new UnsafeAuthApiFactory(issuer, audience, environment);

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Contains("Auth:Audience and Auth:Issuer", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuthorityWithTheShippedBlankSigningKey_Starts()
    {
        await using var factory = new AuthSettingsApiFactory(
            new Dictionary<string, string?> { ["Auth:Authority"] = "https://idp.example.com", ["Auth:Issuer"] = "", ["Auth:SigningKey"] = " " },
            "Production");

        await (await factory.CreateClient().GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// A signing key the authority stops publishing is read as gone within five minutes (the
    /// shortest interval the metadata's reader allows; its default is twelve hours), so with the
    /// validated-token cache's minute a removed key is refused within six (ADR 0027).
    /// </summary>
    [Fact]
    public async Task AnAuthoritysSigningKeys_AreReadAgainEveryFiveMinutes()
    {
        await using var factory = new AuthSettingsApiFactory(
            new Dictionary<string, string?> { ["Auth:Authority"] = "https://idp.example.com", ["Auth:Issuer"] = "", ["Auth:SigningKey"] = " " },
            "Production");
        await (await factory.CreateClient().GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);

        var options = factory.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        var metadata = Assert.IsType<ConfigurationManager<OpenIdConnectConfiguration>>(options.ConfigurationManager);
        Assert.Equal(TimeSpan.FromMinutes(5), metadata.AutomaticRefreshInterval);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task AnAuthorityBesideASigningKey_RefusesToStart(string environment)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Auth:Authority"] = "https://idp.example.com" }, environment);

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Contains("Auth:Authority or Auth:SigningKey, not both", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Outside Development JwtBearer reads the authority's metadata over HTTPS only: any other address would make every answer a 500.</summary>
    [Theory]
    [InlineData("http://idp.example.com", "Production")]
    [InlineData("idp.example.com", "Production")]
    [InlineData("ftp://idp.example.com", "Development")]
    public async Task AnAuthorityThatIsNotHttps_RefusesToStart(string authority, string environment)
    {
        await using var factory = new AuthSettingsApiFactory(
            new Dictionary<string, string?> { ["Auth:Authority"] = authority, ["Auth:Issuer"] = "", ["Auth:SigningKey"] = " " },
            environment);

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Contains("Auth:Authority must be an absolute https:// address", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The published key is refused with white space around it too (a secret file's newline): it was taken as another key, and its tokens accepted.</summary>
    [Theory]
    [InlineData("Production", "")]
    [InlineData("Staging", "")]
    [InlineData("Production", "\n")]
    [InlineData("Production", " \t")]
    public async Task ThePublishedDevelopmentSigningKey_OutsideDevelopment_RefusesToStart(string environment, string around)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Auth:SigningKey"] = around + AuthenticationSetup.DevelopmentSigningKey + around }, environment);

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Contains("Auth:SigningKey is the development key published with the service's source", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRefusedDevelopmentKey_IsTheOneTheDevelopmentSettingsShip()
    {
        var settings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json")))!;

        Assert.Equal(AuthenticationSetup.DevelopmentSigningKey, settings["Auth"]!["SigningKey"]!.GetValue<string>());
    }

    /// <summary>
    /// The framework's own forwarded headers (turned on by <c>ForwardedHeaders_Enabled</c>, one
    /// underscore short of the service's setting) would trust X-Forwarded-For from anyone.
    /// </summary>
    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public async Task TheFrameworksForwardedHeadersSwitch_RefusesToStart(string value)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["ForwardedHeaders_Enabled"] = value }, "Production");

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Contains("Set ForwardedHeaders:Enabled (ForwardedHeaders__Enabled) with ForwardedHeaders:KnownProxies", failure.Message, StringComparison.Ordinal);
        Assert.False(await factory.Database.ExistsAsync(), "the refused start created its database");
    }

    /// <summary>Any other value leaves the framework's switch off, as the framework reads it: the service starts.</summary>
    [Theory]
    [InlineData("1")]
    [InlineData("false")]
    public async Task TheFrameworksForwardedHeadersSwitch_Off_Starts(string value)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["ForwardedHeaders_Enabled"] = value }, "Production");

        await (await factory.CreateClient().GetAsync("/health/live", token: null)).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("301")]
    [InlineData("2.5")]
    [InlineData("soon")]
    public async Task AShutdownDrainThatIsNotWholeSecondsUpToFiveMinutes_RefusesToStart(string seconds)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Shutdown:DrainSeconds"] = seconds }, "Production");

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Equal($"Shutdown:DrainSeconds must be a whole number of seconds from 0 to 300, not '{seconds}'.", failure.Message);
    }

    /// <summary>Each request limit is refused by its own name and what it takes (the body limit before Kestrel, whose refusal names no setting, is given it).</summary>
    [Theory]
    [InlineData("Limits:MaxRequestBodyBytes", "-1", "a positive number of bytes")]
    [InlineData("Limits:MaxRequestBodyBytes", "16MB", "a positive number of bytes")]
    [InlineData("Limits:MaxConcurrentLargeBodies", "0", "a positive number of bodies")]
    [InlineData("Limits:LargeBodyQueue", "-1", "a number of bodies, 0 or more")]
    [InlineData("Limits:LargeBodyMinBytesPerSecond", "fast", "a positive number of bytes a second")]
    [InlineData("Limits:LargeBodiesPerCaller", "0", "a positive number of bodies")]
    [InlineData("Limits:LargeBodyWaitSeconds", "3601", "a whole number of seconds from 1 to 3600")]
    public async Task ARequestLimitOutOfItsRange_RefusesToStart_NamingItAlone(string key, string value, string what)
    {
        Assert.Equal($"{key} must be {what}, not '{value}'.", await RefusalAsync(key, value));
    }

    /// <summary>An allowed origin a browser's <c>Origin</c> could never equal stops the start (it was taken, and no preflight matched it).</summary>
    [Theory]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/app")]
    [InlineData("app.example.com")]
    [InlineData("https://*.example.com")]
    [InlineData("https://app.example.com?app=1")]
    [InlineData("https://user@app.example.com")]
    [InlineData("file:///var/www")]
    public async Task AnAllowedOriginThatIsNoOrigin_RefusesToStart(string origin)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://ok.example.com:8443", ["Cors:AllowedOrigins:1"] = origin }, "Production");

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.StartsWith($"Cors:AllowedOrigins holds '{origin}', which is no origin", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The rate limit's settings are refused by their own names: a count or window that is no whole number, none, or a window past a day.</summary>
    [Theory]
    [InlineData("RateLimiting:PermitLimit", "0", "a positive number of requests")]
    [InlineData("RateLimiting:PermitLimit", "many", "a positive number of requests")]
    [InlineData("RateLimiting:WindowSeconds", "0", "a whole number of seconds from 1 to 86400")]
    [InlineData("RateLimiting:WindowSeconds", "86401", "a whole number of seconds from 1 to 86400")]
    [InlineData("RateLimiting:WindowSeconds", "2000000000", "a whole number of seconds from 1 to 86400")]
    public async Task ARateLimitSettingOutOfItsRange_RefusesToStart_NamingItAlone(string key, string value, string what)
    {
        Assert.Equal($"{key} must be {what}, not '{value}'.", await RefusalAsync(key, value));
    }

    /// <summary>A switch that is neither true nor false, or a metrics port that is no TCP port, refuses the start naming its key (a switch was a conversion error, told with a stack trace).</summary>
    [Theory]
    [InlineData("Telemetry:Enabled", "yes", "true or false")]
    [InlineData("Metrics:Prometheus", "on", "true or false")]
    [InlineData("Database:PrepareStatements", "1", "true or false")]
    [InlineData("Metrics:Port", "metrics", "a TCP port (1 to 65535)")]
    [InlineData("Metrics:Port", "0", "a TCP port (1 to 65535)")]
    [InlineData("Metrics:Port", "65536", "a TCP port (1 to 65535)")]
    public async Task ASwitchOrPortThatIsNoneOfItsValues_RefusesToStart_NamingIt(string key, string value, string what)
    {
        Assert.Equal($"{key} must be {what}, not '{value}'.", await RefusalAsync(key, value));
    }

    /// <summary>An OTLP endpoint that is no http or https URL refuses the start (the SDK exported nothing to it, without a word).</summary>
    [Theory]
    [InlineData("collector:4317")]
    [InlineData("collector")]
    [InlineData("grpc://collector:4317")]
    public async Task AnOtlpEndpointThatIsNoHttpUrl_RefusesToStart(string endpoint)
    {
        Assert.Equal(
            $"OTEL_EXPORTER_OTLP_ENDPOINT must be the collector's http or https URL (e.g. http://collector:4318), not '{endpoint}'.",
            await RefusalAsync("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));
    }

    /// <summary>Origins browsers and webviews send are taken: IPv6 and ports, an app's own scheme, <c>null</c>, and <c>*</c> for any.</summary>
    [Theory]
    [InlineData("http://[::1]:5173")]
    [InlineData("HTTPS://App.Example.com")]
    [InlineData("capacitor://localhost")]
    [InlineData("chrome-extension://abcdefghijklmnop")]
    [InlineData("null")]
    [InlineData("*")]
    public async Task AnAllowedOriginAsBrowsersSendIt_Starts(string origin)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = origin }, "Production");

        await factory.CreateClient().GetAsync("/health/live", token: null).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>
    /// Allowed origins given as one value separated by commas, as an environment variable is most
    /// often written, are each allowed (such a value was no list: no origin was allowed, and the start
    /// said the list was empty).
    /// </summary>
    [Fact]
    public async Task AllowedOriginsGivenAsOneValue_AreEachAllowed()
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins"] = " https://app.example.com, https://admin.example.com:8443 ," }, "Production");
        var client = factory.CreateClient();

        foreach (var origin in new[] { "https://app.example.com", "https://admin.example.com:8443" })
        {
            var preflight = await client.SendAsync(HttpMethod.Options, "/api/v1/org/acme/ws/lab/sessions", token: null, headers: new Dictionary<string, string>
            {
                ["Origin"] = origin,
                ["Access-Control-Request-Method"] = "POST",
            });
            Assert.Equal(origin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
    }

    /// <summary>A list reads the same given entry by entry or as one value; blank entries are left out, and both ways at once are refused.</summary>
    [Theory]
    [InlineData(null, new[] { "10.0.0.1", " 10.0.0.2 ", "" }, new[] { "10.0.0.1", "10.0.0.2" })]
    [InlineData("10.0.0.1,10.0.0.2", new string[0], new[] { "10.0.0.1", "10.0.0.2" })]
    [InlineData(" 10.0.0.1 , ,10.0.0.2, ", new string[0], new[] { "10.0.0.1", "10.0.0.2" })]
    [InlineData("10.0.0.1", new string[0], new[] { "10.0.0.1" })]
    [InlineData(" ", new string[0], new string[0])]
    [InlineData(null, new string[0], new string[0])]
    public void AList_IsReadEntryByEntryOrAsOneValue(string? value, string[] entries, string[] expected)
    {
        Assert.Equal(expected, Settings.List(ListConfiguration(value, entries), "Some:List"));
    }

    [Fact]
    public void AListGivenBothWays_IsRefused_NamingBoth()
    {
        var refusal = Assert.Throws<RefusedSettingException>(() => Settings.List(ListConfiguration("10.0.0.1", ["10.0.0.2"]), "Some:List"));

        Assert.Equal("Some:List is given both as one value ('10.0.0.1') and entry by entry (Some:List:0 and on): give it one way.", refusal.Message);
    }

    /// <summary>A numeric setting is read as the configuration binder read it before: white space around the number is taken; an absent or empty one is the default.</summary>
    [Theory]
    [InlineData(" 100 ", 100)]
    [InlineData("100", 100)]
    [InlineData("", 7)]
    [InlineData("   ", 7)]
    [InlineData(null, 7)]
    public void ANumericSetting_IsReadWithWhiteSpaceAround(string? configured, int expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Some:Number", configured)]).Build();

        Assert.Equal(expected, Settings.WholeNumber(configuration, "Some:Number", 7, 1, 1000, "a number"));
    }

    /// <summary>A switch is read as every other setting: white space alone is unset (it refused the start), white space around a value is not part of it.</summary>
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("  ", true)]
    [InlineData(" false ", false)]
    [InlineData("FALSE", false)]
    [InlineData("\ttrue\n", true)]
    public void ASwitch_IsUnsetWhenOnlyWhiteSpace_AndReadWithWhiteSpaceAround(string? configured, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Some:Switch", configured)]).Build();

        Assert.Equal(expected, Settings.Flag(configuration, "Some:Switch", defaultValue: true));
    }

    /// <summary>A setting that names one of a few choices takes them in any letter case, white space around, and its default when unset; nothing else, a number included.</summary>
    [Theory]
    [InlineData(null, "Memory")]
    [InlineData("   ", "Memory")]
    [InlineData("redis", "Redis")]
    [InlineData(" MEMORY ", "Memory")]
    [InlineData("Redis", "Redis")]
    public void AChoice_IsOneOfItsNames_InAnyLetterCase(string? configured, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Some:Store", configured)]).Build();

        Assert.Equal(expected, Settings.Choice(configuration, "Some:Store", defaultValue: "Memory", "Memory", "Redis"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("Redi")]
    [InlineData("Memory,Redis")]
    public void AChoiceOfNoneOfItsNames_IsRefused_NamingThemAll(string configured)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("Some:Store", (string?)configured)]).Build();

        var error = Assert.Throws<RefusedSettingException>(() => Settings.Choice(configuration, "Some:Store", defaultValue: "Memory", "Memory", "Disk", "Redis"));

        Assert.Equal($"Some:Store must be Memory, Disk or Redis, not '{configured}'.", error.Message);
    }

    [Fact]
    public void AChoicesDefault_IsOneOfTheChoices()
    {
        var configuration = new ConfigurationBuilder().Build();

        Assert.Throws<ArgumentException>(() => Settings.Choice(configuration, "Some:Store", defaultValue: "Disk", "Memory", "Redis"));
    }

    /// <summary>A provider is named: a number the enumeration would count as one (<c>1</c>, SQL Server) stops the start.</summary>
    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("Sqlite3")]
    public void ADatabaseProviderNamedByNoneOfItsNames_StopsTheStart(string provider)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [KeyValuePair.Create("Database:Provider", (string?)provider), KeyValuePair.Create("ConnectionStrings:Sessions", (string?)"Host=db;Username=sessions")]).Build();

        var error = Assert.Throws<RefusedSettingException>(() => DatabaseOptions.FromConfiguration(configuration, environmentOptions: null));

        Assert.Equal($"Database:Provider must be Sqlite, SqlServer or Postgres, not '{provider}'.", error.Message);
    }

    /// <summary>Settings of white space alone, or choices in another letter case, start the service (a log format of white space refused the start; a memory store in lower case was refused too); what each is read as, the unit theories above pin.</summary>
    [Theory]
    [InlineData("Logging:Format", "  ")]
    [InlineData("Logging:Format", " JSON ")]
    [InlineData("RateLimiting:Store", " memory")]
    [InlineData("Telemetry:Enabled", " ")]
    public async Task ASettingOfWhiteSpaceOrInAnotherLetterCase_Starts(string key, string value)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { [key] = value }, "Production");

        await factory.CreateClient().GetAsync("/health/live", token: null).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>A metrics port of white space alone is no port: <c>/metrics</c> is served on the API's own, as when unset.</summary>
    [Fact]
    public void AMetricsPortOfWhiteSpaceAlone_IsNone()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Metrics:Prometheus"] = "true", ["Metrics:Port"] = "  " })
            .Build();

        Assert.True(global::Sessions.Api.Operations.Telemetry.ServesMetrics(configuration));
    }

    /// <summary>A configuration holding <c>Some:List</c> as <paramref name="value"/> and as <paramref name="entries"/> (<c>Some:List:0</c> and on).</summary>
    private static IConfiguration ListConfiguration(string? value, string[] entries) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("Some:List", value), .. entries.Select((entry, index) => KeyValuePair.Create<string, string?>($"Some:List:{index}", entry))])
            .Build();

    /// <summary>The refusal's message when the service is started in Production with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    private static async Task<string> RefusalAsync(string key, string value)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { [key] = value }, "Production");
        return Assert.Throws<RefusedSettingException>(() => factory.CreateClient()).Message;
    }

    /// <summary>A log format the service does not write stops the start (a misspelt <c>json</c> fell back to text lines).</summary>
    [Theory]
    [InlineData("jsn")]
    [InlineData("xml")]
    public async Task ALogFormatOtherThanTextOrJson_RefusesToStart(string format)
    {
        await using var factory = new AuthSettingsApiFactory(new Dictionary<string, string?> { ["Logging:Format"] = format }, "Production");

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Equal($"Logging:Format must be text or json, not '{format}'.", failure.Message);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData(" ", 0)]
    [InlineData("0", 0)]
    [InlineData(" 10 ", 10)]
    [InlineData("300", 300)]
    public void AShutdownDrain_IsReadInWholeSeconds(string? seconds, int expected) =>
        Assert.Equal(
            TimeSpan.FromSeconds(expected),
            ShutdownDrain.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ShutdownDrain.Setting] = seconds }).Build()));

    /// <summary>A Redis connection string StackExchange.Redis cannot read stops the start, instead of failing every limited request.</summary>
    [Theory]
    [InlineData("127.0.0.1:6390,pasword=secret")]
    [InlineData("127.0.0.1:6390,connectTimeout=soon")]
    public async Task AnUnreadableRedisConnectionString_RefusesToStart(string connection)
    {
        await using var factory = new AuthSettingsApiFactory(
            new Dictionary<string, string?> { ["RateLimiting:Store"] = "Redis", ["ConnectionStrings:Redis"] = connection },
            "Production");

        var failure = Assert.Throws<RefusedSettingException>(() => factory.CreateClient());

        Assert.Contains("ConnectionStrings:Redis is not a connection string StackExchange.Redis reads", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionWithIssuerAndAudience_Starts_AndRefusesATokenFromAnotherIssuer()
    {
        await using var factory = new UnsafeAuthApiFactory(TestTokens.Issuer, TestTokens.Audience, "Production");
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var member = await workspace.AddMemberAsync();

        var evil = TestTokens.Create(member.Id, ["admin", "sessions:read"], member.Email, issuer: "evil");

        await (await client.PostAsync("/api/v1/orgs", evil, new { slug = "evil-org" })).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        await (await client.GetAsync(workspace.SessionsPath, member.Token())).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class DevTokenAccessTests(DevelopmentWithLogsApiFactory factory) : ApiTest<DevelopmentWithLogsApiFactory>(factory), IClassFixture<DevelopmentWithLogsApiFactory>
{
    [Fact]
    public async Task DevToken_FromARemoteAddress_Is403_FromLoopback_IsIssued_AndStartupSaysSo()
    {
        var body = new { email = "remote@example.com", org = "demo", workspace = "default", role = "admin" };

        var remote = await Client.SendAsync(HttpMethod.Post, "/dev/token", token: null, body, new Dictionary<string, string> { [TestRemoteAddress.Header] = "203.0.113.9" });
        var refused = await remote.ExpectEnvelopeAsync(HttpStatusCode.Forbidden, "permission_denied");
        Assert.Contains("answers callers on this machine only", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await Client.SendAsync(HttpMethod.Post, "/dev/token", token: null, body, new Dictionary<string, string> { [TestRemoteAddress.Header] = "::1" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(Factory.Logs.Lines, line => line.Message.Contains("/dev/token answers callers on this machine only", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(321)]
    [InlineData(-1)]
    public async Task DevToken_UnusableEmail_Is422(int length)
    {
        var email = length > 0 ? new string('e', length - "@example.com".Length) + "@example.com" : "nul\u0000@example.com";

        await (await Client.PostAsync("/dev/token", token: null, new { email, org = "demo", workspace = "default" })).ExpectValidationErrorAsync("body", "email");
    }

    [Fact]
    public async Task DevToken_OverlongName_IsCut()
    {
        var answer = await (await Client.PostAsync("/dev/token", token: null, new { email = $"long-{Guid.NewGuid():N}@example.com", name = "N\u0000" + new string('n', 400), org = "demo", workspace = "default" }))
            .ExpectAsync(HttpStatusCode.OK);
        var id = Guid.NewGuid();

        var created = await (await Client.PostAsync("/api/v1/org/demo/ws/default/sessions", answer["access_token"]!.GetValue<string>(), new { id, model = "m" })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("N" + new string('n', 254), created["created_by"]!["full_name"]!.GetValue<string>());
    }
}

public sealed class RemoteDevTokenTests(RemoteTokensApiFactory factory) : IClassFixture<RemoteTokensApiFactory>
{
    [Fact]
    public async Task DevToken_WhenRemoteTokensAreAllowed_AnswersARemoteCaller()
    {
        var response = await factory.CreateClient().SendAsync(HttpMethod.Post, "/dev/token", token: null, new { email = "far@example.com", org = "demo", workspace = "default" }, new Dictionary<string, string> { [TestRemoteAddress.Header] = "203.0.113.9" });

        await response.ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class ForwardedHeadersTests(BehindProxyApiFactory factory) : IClassFixture<BehindProxyApiFactory>
{
    [Fact]
    public async Task BehindAKnownProxy_AnonymousLimitsKeyOnTheForwardedClient_AndAnUnknownSenderCannotSpoofIt()
    {
        var client = factory.CreateClient();
        var path = $"/api/v1/org/x/ws/y/sessions/{Guid.NewGuid()}";
        Task<HttpResponseMessage> From(string sender, string forwardedFor) => client.SendAsync(HttpMethod.Get, path, token: null, headers: new Dictionary<string, string>
        {
            [TestRemoteAddress.Header] = sender,
            ["X-Forwarded-For"] = forwardedFor,
        });

        for (var i = 0; i < 2; i++)
        {
            await (await From(BehindProxyApiFactory.Proxy, "198.51.100.1")).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        }

        await (await From(BehindProxyApiFactory.Proxy, "198.51.100.1")).ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        await (await From(BehindProxyApiFactory.Proxy, "198.51.100.2")).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        for (var i = 0; i < 2; i++)
        {
            await (await From("192.0.2.50", $"198.51.100.{10 + i}")).ExpectEnvelopeAsync(HttpStatusCode.Unauthorized, "authentication_error");
        }

        await (await From("192.0.2.50", "198.51.100.99")).ExpectEnvelopeAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }
}

public sealed class ReadinessTests(CountingApiFactory factory) : IClassFixture<CountingApiFactory>
{
    [Fact]
    public async Task Readiness_AsksTheDatabaseAtMostOncePerCachePeriod_HoweverOftenItIsCalled()
    {
        var client = factory.CreateClient();
        await client.GetAsync("/health/ready", token: null);
        await Task.Delay(TimeSpan.FromSeconds(2.1));

        var burst = await factory.Statements.DuringAsync(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await (await client.GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var later = await factory.Statements.DuringAsync(async () => await (await client.GetAsync("/health/ready", token: null)).ExpectAsync(HttpStatusCode.OK));

        Assert.Single(burst);
        Assert.Single(later);
    }
}
