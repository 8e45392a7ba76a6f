using Sessions.Infrastructure;

namespace Sessions.Api.Health;

/// <summary>
/// When the service is told to stop (SIGTERM), it first keeps serving for
/// <c>Shutdown:DrainSeconds</c> (0 to 300, default 0) while <c>/health/ready</c> answers 503, so a
/// load balancer that polls readiness takes the instance out before it stops listening; then
/// requests in flight finish as usual. The drain is added to the host's shutdown timeout (its own
/// setting, 30 s by default), which is what requests in flight then have.
/// </summary>
public sealed class ShutdownDrain(TimeSpan drain, IHostApplicationLifetime lifetime) : IHostedLifecycleService
{
    public const string Setting = "Shutdown:DrainSeconds";
    public const int MostSeconds = 300;

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var drain = Read(configuration);
        if (drain > TimeSpan.Zero)
        {
            services.Configure<HostOptions>(host => host.ShutdownTimeout += drain);
            services.AddSingleton<IHostedService>(provider => new ShutdownDrain(drain, provider.GetRequiredService<IHostApplicationLifetime>()));
        }
    }

    /// <summary>The drain the setting asks for: whole seconds from 0 to <see cref="MostSeconds"/>, none when unset.</summary>
    public static TimeSpan Read(IConfiguration configuration) =>
        TimeSpan.FromSeconds(Settings.WholeNumber(configuration, Setting, 0, 0, MostSeconds, $"a whole number of seconds from 0 to {MostSeconds}"));

    /// <summary>
    /// Runs when the host begins to stop, before the server stops listening. A stop by a signal has
    /// already signalled <see cref="IHostApplicationLifetime.ApplicationStopping"/>; one by
    /// <c>StopAsync</c> signals it after this, so it is signalled here first: readiness is 503 for
    /// the whole drain either way.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        lifetime.StopApplication();
        await Task.Delay(drain, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
