using System.Net;
using System.Text.Json.Nodes;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// What the service does when it starts, beyond serving (ADR 0038): the service as a process of its
/// own, with a home directory of its own, on a database it migrates.
/// </summary>
public sealed class StartupTests : IAsyncLifetime
{
    /// <summary>Files no service of the suite's databases maps: SQL Server's and the Redis store's.</summary>
    private static readonly string[] NeverOnThisService =
        ["Microsoft.Data.SqlClient.dll", "Microsoft.EntityFrameworkCore.SqlServer.dll", "StackExchange.Redis.dll", "RedisRateLimiting.dll", "RedisRateLimiting.AspNetCore.dll"];

    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("sessions-home-");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _home.Delete(recursive: true);
        await _database.DisposeAsync();
    }

    /// <summary>
    /// A refused setting stops the start with one critical log entry naming it, in the configured
    /// format, and exit code 1: no unhandled exception's stack trace in plain text, no abort (exit
    /// code 134, which leaves a core dump where they are enabled).
    /// </summary>
    [Fact]
    public async Task ARefusedSetting_StopsTheStart_WithOneJsonEntryNamingIt_AndExitCodeOne()
    {
        var (exitCode, output) = await ServiceProcess.RunUntilExitAsync(_database, new Dictionary<string, string> { ["Logging__Format"] = "json", ["RateLimiting__PermitLimit"] = "0" });

        Assert.Equal(1, exitCode);
        var entry = JsonNode.Parse(Assert.Single(output))!;
        Assert.Equal(("Critical", "Sessions.Api.Startup"), (entry["LogLevel"]!.GetValue<string>(), entry["Category"]!.GetValue<string>()));
        Assert.Equal("The service did not start: RateLimiting:PermitLimit must be a positive number of requests, not '0'.", entry["Message"]!.GetValue<string>());
        Assert.Null(entry["Exception"]);
    }

    /// <summary>
    /// Every setting is read, and a wrong one refused, before the database is touched: the start
    /// stops with the one entry naming the setting (no entries with stack traces from the host
    /// before it), and the database was neither created nor migrated (nor, in Development, seeded).
    /// These were once read only after the migrations: by a middleware, the pipeline or the
    /// metrics listener.
    /// </summary>
    [Theory]
    [InlineData("Compatibility__MinimumClientVersion", "abc", "Compatibility:MinimumClientVersion 'abc' is not a version such as 1.4.0.")]
    [InlineData("Limits__LargeBodyQueue", "-1", "Limits:LargeBodyQueue must be a number of bodies, 0 or more, not '-1'.")]
    [InlineData("ForwardedHeaders__KnownProxies__0", "proxy", "ForwardedHeaders:KnownProxies holds 'proxy', which is not an IP address.")]
    [InlineData("ForwardedHeaders__KnownNetworks", "10.0.0.0/8,network", "ForwardedHeaders:KnownNetworks holds 'network', which is not a CIDR range such as 10.0.0.0/8.")]
    [InlineData("Metrics__Host", "::1", "Metrics:Host must be a host name, an IP address (an IPv6 one in brackets, such as [::1]), or * or + for every address, not '::1'.")]
    [InlineData("Development__AllowRemoteTokens", "maybe", "Development:AllowRemoteTokens must be true or false, not 'maybe'.")]
    public async Task ARefusedSetting_StopsTheStart_BeforeTheDatabaseIsTouched(string name, string value, string reason)
    {
        var (exitCode, output) = await ServiceProcess.RunUntilExitAsync(_database, new Dictionary<string, string>
        {
            ["Logging__Format"] = "json",
            ["ASPNETCORE_ENVIRONMENT"] = name.StartsWith("Development", StringComparison.Ordinal) ? "Development" : "Testing",
            ["ForwardedHeaders__Enabled"] = "true",
            ["Metrics__Prometheus"] = "true",
            ["Metrics__Port"] = "9",
            [name] = value,
        });

        Assert.Equal(1, exitCode);
        var entry = JsonNode.Parse(Assert.Single(output))!;
        Assert.Equal($"The service did not start: {reason}", entry["Message"]!.GetValue<string>());
        Assert.False(await _database.ExistsAsync());
    }

    /// <summary>A failure to start that is no refused setting (a database file it cannot open) is one critical entry too, carrying its exception, and exit code 1.</summary>
    [Fact]
    public async Task AFailureToStart_IsOneCriticalEntryWithItsException_AndExitCodeOne()
    {
        var (exitCode, output) = await ServiceProcess.RunUntilExitAsync(_database, new Dictionary<string, string>
        {
            ["Logging__Format"] = "json",
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Sessions"] = $"Data Source={Path.Combine(_home.FullName, "missing", "sessions.db")}",
        });

        Assert.Equal(1, exitCode);
        Assert.All(output, line => JsonNode.Parse(line));
        var critical = Assert.Single(output, line => line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal));
        var entry = JsonNode.Parse(critical)!;
        Assert.StartsWith("The service did not start: The database could not be brought to the service's migrations: ", entry["Message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("SqliteException", entry["Exception"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Bearer tokens need no data protection and the service protects nothing: starting and
    /// authenticating a request leave no key ring in the home directory and no warning about one
    /// (ASP.NET Core's authentication would create an unencrypted XML key there at every first start).
    /// </summary>
    [Fact]
    public async Task StartingAndAuthenticating_CreateNoKeyRing()
    {
        await using var service = await ServiceProcess.StartAsync(_database, new Dictionary<string, string> { ["HOME"] = _home.FullName });
        using var http = service.CreateClient();

        var answer = await http.GetAsync("/api/v1/org/nowhere/ws/none/sessions", TestTokens.Create(Guid.NewGuid(), ["sessions:read"]));

        Assert.NotEqual(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_home.EnumerateFileSystemInfos("*", SearchOption.AllDirectories));
        Assert.DoesNotContain("DataProtection", service.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A service on one database maps none of SQL Server's driver, its EF Core provider or the Redis
    /// rate-limit store's libraries, and on PostgreSQL none of SQLite's bindings or its native
    /// library (ADR 0078): after a start and a round of requests, reads and commands, a 409 and a
    /// 404 among them, none of those files is in the service process's memory map. (SQLite's
    /// service maps Npgsql's assemblies without running them: EF Core's migrator enumerates every
    /// type of the infrastructure assembly, and the PostgreSQL query context there derives from
    /// Npgsql's. The round raises no database error and no limit refuses it, so the error
    /// classifier's readers and the Redis store's Retry-After are not reached here; the
    /// classifier's namespaces are held by <c>DriverExceptionTests</c>.)
    /// </summary>
    [LinuxFact]
    public async Task AServiceOnOneDatabase_LoadsNoOtherDatabasesDriver()
    {
        var (workspace, member) = await ServiceProcess.PrepareWorkspaceAsync(_database);
        await using var service = await ServiceProcess.StartAsync(_database);
        using var http = service.CreateClient();
        var token = member.Token();
        var id = Guid.NewGuid();
        var session = workspace.SessionPath(id);

        await (await http.PostAsync(workspace.SessionsPath, token, new { id, model = "m", labels = new Dictionary<string, string[]> { ["team"] = ["red"] } })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync(workspace.SessionsPath, token, new { id, model = "m" })).StatusCode);
        await (await http.PostAsync(session + "/transcript", token, new { messages = new[] { new { role = "user", content = "hello" } } })).ExpectAsync(HttpStatusCode.OK);
        await (await http.SendAsync(HttpMethod.Patch, session, token, new { labels = new Dictionary<string, string[]> { ["team"] = ["blue"] } })).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync(workspace.SessionPath(id.ToString()[..8]), token)).ExpectAsync(HttpStatusCode.OK);
        await (await http.GetAsync(workspace.SessionsPath + "?search=hello&label=team:blue", token)).ExpectAsync(HttpStatusCode.OK);
        await (await http.PostAsync(session + "/freeze", token)).ExpectAsync(HttpStatusCode.OK);
        await (await http.PostAsync(session + "/freeze", token)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(workspace.SessionPath(Guid.NewGuid()), token)).StatusCode);

        var mapped = (await File.ReadAllLinesAsync($"/proc/{service.Id}/maps"))
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6)
            .Select(fields => Path.GetFileName(fields[5].Trim()))
            .ToHashSet(StringComparer.Ordinal);
        string[] unused = _database.IsPostgres
            ? [.. NeverOnThisService, "SQLitePCLRaw.core.dll", "SQLitePCLRaw.batteries_v2.dll", "SQLitePCLRaw.provider.e_sqlite3.dll", "libe_sqlite3.so"]
            : NeverOnThisService;
        Assert.Contains(_database.IsPostgres ? "Npgsql.dll" : "libe_sqlite3.so", mapped);
        Assert.All(unused, name => Assert.DoesNotContain(name, mapped));
    }
}
