using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// The service as a process of its own (<c>dotnet Sessions.Api.dll</c>, the build the tests
/// reference) on a test database, with the test token settings, listening on a free port of
/// 127.0.0.1: what a test of a crash needs, which an in-process host cannot give.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServiceProcess(Process process, ConcurrentQueue<string> output, Uri address)
    {
        _process = process;
        _output = output;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The process's id, to read what the system says of it (<c>/proc/ID</c> on Linux).</summary>
    public int Id => _process.Id;

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output => string.Join('\n', _output);

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts the service on <paramref name="database"/>; <paramref name="environment"/> adds or replaces variables of its environment.</summary>
    public static async Task<ServiceProcess> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo(database, environment);
        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void Read(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is not { } text)
            {
                return;
            }

            output.Enqueue(text);
            if (ListeningOn().Match(text) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The service exited before it listened."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new ServiceProcess(process, output, await listening.Task.WaitAsync(StartTimeout));
        }
        catch (Exception failure)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
            throw new InvalidOperationException($"The service did not start: {failure.Message}\n{string.Join('\n', output)}", failure);
        }
    }

    /// <summary>Runs the service until it exits by itself (a start it refuses): its exit code and every line it wrote.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunUntilExitAsync(TestDatabase database, IReadOnlyDictionary<string, string> environment)
    {
        using var process = new Process { StartInfo = StartInfo(database, environment) };
        var output = new ConcurrentQueue<string>();
        void Read(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is { } text)
            {
                output.Enqueue(text);
            }
        }

        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, [.. output]);
    }

    /// <summary>The service's process on <paramref name="database"/>; <paramref name="environment"/> adds or replaces variables of its environment.</summary>
    private static ProcessStartInfo StartInfo(TestDatabase database, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Sessions.Api.dll"));
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__Sessions"] = database.ConnectionString,
            ["Auth__Issuer"] = TestTokens.Issuer,
            ["Auth__Audience"] = TestTokens.Audience,
            ["Auth__SigningKey"] = TestTokens.SigningKey,
            ["RateLimiting__PermitLimit"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        })
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>A workspace with a member on <paramref name="database"/>, made by an in-process host that is gone before a service process starts.</summary>
    public static async Task<(TestWorkspace Workspace, TestUser Member)> PrepareWorkspaceAsync(TestDatabase database)
    {
        var setup = ApiFactory.On(database);
        try
        {
            await setup.InitializeAsync();
            var workspace = await TestWorkspace.CreateAsync(setup);
            return (workspace, await workspace.AddMemberAsync());
        }
        finally
        {
            await setup.DisposeAsync();
        }
    }

    /// <summary>Ends the process at once, as <c>kill -9</c> does (SIGKILL): no shutdown runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop, as an orchestrator does (SIGTERM): its shutdown runs.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>The process's exit code once it has ended.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan patience)
    {
        await _process.WaitForExitAsync().WaitAsync(patience);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
