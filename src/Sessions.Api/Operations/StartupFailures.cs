using System.Reflection;
using Microsoft.Extensions.Options;
using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// What the service says when it cannot start: one critical log entry in the configured log format
/// ("The service did not start: ..."), then exit code 1. A refused setting
/// (<see cref="RefusedSettingException"/>, or options that failed validation) is told by its message
/// alone, which names the setting; any other failure carries its exception. Without this the
/// runtime would print the unhandled exception's stack trace as plain text and abort (exit code
/// 134, a core dump where they are enabled), once per start of a crash-looping instance. In force
/// until the service has started: a failure after that is not a failure to start. Only when the
/// service is the process (not a test host, which sees the exception itself).
/// </summary>
public static partial class StartupFailures
{
    public static void ReportUntilStarted(WebApplicationBuilder builder)
    {
        if (Assembly.GetEntryAssembly() != typeof(StartupFailures).Assembly)
        {
            return;
        }

        UnhandledExceptionEventHandler report = (_, failure) =>
        {
            Report(builder.Configuration, (Exception)failure.ExceptionObject);
            Environment.Exit(1);
        };
        AppDomain.CurrentDomain.UnhandledException += report;
        builder.Services.AddHostedService(services => new StopReporting(services.GetRequiredService<IHostApplicationLifetime>(), report));
    }

    /// <summary>Logs the failure as the service would; a <c>Logging:Format</c> that was itself refused gives way to text.</summary>
    private static void Report(IConfiguration configuration, Exception failure)
    {
        using var loggers = Loggers(configuration) ?? Loggers(new ConfigurationBuilder().Build())!;
        var logger = loggers.CreateLogger("Sessions.Api.Startup");
        DidNotStart(logger, failure is RefusedSettingException or OptionsValidationException ? null : failure, failure.Message);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "The service did not start: {Reason}")]
    private static partial void DidNotStart(ILogger logger, Exception? failure, string reason);

    private static ILoggerFactory? Loggers(IConfiguration configuration)
    {
        try
        {
            return LoggerFactory.Create(logging => logging.AddServiceLogging(configuration));
        }
        catch (RefusedSettingException)
        {
            return null;
        }
    }

    /// <summary>Takes the report away once the host has started.</summary>
    private sealed class StopReporting(IHostApplicationLifetime lifetime, UnhandledExceptionEventHandler report) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => AppDomain.CurrentDomain.UnhandledException -= report);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
