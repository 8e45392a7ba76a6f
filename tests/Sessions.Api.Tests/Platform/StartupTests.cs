using System.Net;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// What the service does when it starts, beyond serving (ADR 0038): the service as a process of its
/// own, with a home directory of its own, on a database it migrates.
/// </summary>
public sealed class StartupTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("sessions-home-");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _home.Delete(recursive: true);
        await _database.DisposeAsync();
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
}
