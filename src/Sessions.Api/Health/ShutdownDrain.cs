using System.Globalization;

namespace Sessions.Api.Health;

/// <summary>
/// When the service is told to stop (SIGTERM), it first keeps serving for
/// <c>Shutdown:DrainSeconds</c> (0 to 300, default 0) while <c>/health/ready</c> answers 503, so a
/// load balancer that polls readiness takes the instance out before it stops listening; then
/// requests in flight finish as usual. The host's shutdown timeout is the drain plus the usual 30 s.
/// </summary>
public sealed class ShutdownDrain(TimeSpan drain) : IHostedLifecycleService
{
    public const string Setting = "Shutdown:DrainSeconds";
    public const int MostSeconds = 300;
    private static readonly TimeSpan InFlightTimeout = TimeSpan.FromSeconds(30);

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var drain = Read(configuration[Setting]);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = drain + InFlightTimeout);
        if (drain > TimeSpan.Zero)
        {
            services.AddSingleton<IHostedService>(new ShutdownDrain(drain));
        }
    }

    /// <summary>The drain a setting asks for: whole seconds from 0 to <see cref="MostSeconds"/>, none when unset.</summary>
    public static TimeSpan Read(string? seconds) =>
        string.IsNullOrWhiteSpace(seconds) ? TimeSpan.Zero
            : int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= MostSeconds ? TimeSpan.FromSeconds(value)
            : throw new InvalidOperationException($"{Setting} must be a whole number of seconds from 0 to {MostSeconds}, not '{seconds}'.");

    /// <summary>Runs after the host signalled that it stops (readiness turns 503), before the server stops listening.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) =>
        Task.Delay(drain, cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
