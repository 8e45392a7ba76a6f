using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sessions.Application.Common.Telemetry;
using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// OpenTelemetry traces and metrics. Spans: one per request (ASP.NET Core), one per database
/// command (EF Core, every provider) and one per mediator message (<see cref="SessionsTelemetry"/>).
/// Metrics: <c>http.server.request.duration</c>, runtime, process, Npgsql's connection pool and the
/// service's own counters. Both go to an OTLP collector when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and nowhere otherwise. Spans are recorded only when
/// something receives them: with that endpoint, or with <c>Telemetry:Traces=true</c> for an
/// exporter added in code; a span nobody exports costs every request and every statement. Metrics,
/// likewise, are collected only when OTLP or Prometheus takes them. <c>Metrics:Prometheus</c>
/// serves <c>/metrics</c> in the Prometheus text format, on <c>Metrics:Port</c> alone when given
/// (bound to <c>Metrics:Host</c>, <c>localhost</c> unless set). <c>Telemetry:Enabled=false</c>
/// registers none of it (the log lines and correlation ids stay).
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Names the Prometheus scrape would spell badly. Gauges whose semantic-convention names end in
    /// <c>.count</c>: Prometheus keeps the <c>_count</c> suffix for histograms and summaries
    /// (<c>promtool check metrics</c> refuses them), so the scrape names them by what they count.
    /// Npgsql's byte counters, whose names say bytes before the exporter adds the unit
    /// (<c>..._bytes_read_bytes_total</c>).
    /// </summary>
    private static readonly Dictionary<string, string> PrometheusNames = new(StringComparer.Ordinal)
    {
        ["db.client.connection.count"] = "db.client.connections",
        ["db.client.operation.npgsql.bytes_read"] = "db.client.operation.npgsql.read",
        ["db.client.operation.npgsql.bytes_written"] = "db.client.operation.npgsql.written",
        ["dotnet.assembly.count"] = "dotnet.assemblies.loaded",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.thread_pool.thread.count"] = "dotnet.thread_pool.threads",
        ["dotnet.timer.count"] = "dotnet.timers",
        ["process.thread.count"] = "process.threads",
        ["process.unix.file_descriptor.count"] = "process.unix.file_descriptors",
    };

    private const string NpgsqlMeter = "Npgsql";

    /// <summary>
    /// EF Core's meter, of which its compiled-query cache's hits and misses are exported: they show a
    /// stream of list requests of ever new shapes compiling queries instead of reusing them (ADR
    /// 0054). EF Core's instruments carry no description, which Prometheus's format wants.
    /// </summary>
    private const string EntityFrameworkCoreMeter = "Microsoft.EntityFrameworkCore";

    private static readonly Dictionary<string, string> EntityFrameworkCoreExported = new(StringComparer.Ordinal)
    {
        ["microsoft.entityframeworkcore.compiled_query_cache_hits"] = "Queries whose compiled form EF Core found in its cache.",
        ["microsoft.entityframeworkcore.compiled_query_cache_misses"] = "Queries EF Core compiled, not finding them in its cache (a new shape, or one evicted).",
    };

    /// <summary>
    /// Npgsql labels its pool's metrics with the data source's name, and a connection opened
    /// without one by its connection string (host, port, user, database): EF Core's own connection
    /// to the server's administrative database, which checks at startup that the service's database
    /// exists, left such a series on the anonymous <c>/metrics</c>. The service has one pool, so the
    /// name is left out; the connection's state (idle, used) stays.
    /// </summary>
    private static readonly string[] NpgsqlTags = ["db.client.connection.state"];

    public static IServiceCollection AddServiceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!Enabled(configuration))
        {
            return services;
        }

        var otlp = OtlpEndpointGiven(configuration);
        var prometheus = Prometheus(configuration);
        var metricsPort = MetricsPort(configuration);
        var metricsHost = MetricsHost(configuration);

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: Settings.Text(configuration, "OTEL_SERVICE_NAME") ?? "sessions-api"));
        if (Settings.Flag(configuration, "Telemetry:Traces", defaultValue: otlp))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .AddSource(SessionsTelemetry.SourceName)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsOperational(context.Request.Path))
                    .AddEntityFrameworkCoreInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        if (otlp || prometheus)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(SessionsTelemetry.MeterName, NpgsqlMeter, ThreadPoolGauges.MeterName, EntityFrameworkCoreMeter)
                    .AddView(instrument => StreamOf(instrument, prometheus))
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (prometheus && metricsPort is { } port)
                {
                    metrics.AddPrometheusHttpListener(options =>
                    {
                        options.Host = metricsHost;
                        options.Port = port;
                    });
                }
                else if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        }

        return services;
    }

    /// <summary>
    /// Whether <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector. One that is no http or https
    /// URL refuses the start: the SDK would export nothing to it, without a word.
    /// </summary>
    private static bool OtlpEndpointGiven(IConfiguration configuration)
    {
        const string Key = "OTEL_EXPORTER_OTLP_ENDPOINT";
        if (Settings.Text(configuration, Key) is not { } endpoint)
        {
            return false;
        }

        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return true;
        }

        throw new RefusedSettingException($"{Key} must be the collector's http or https URL (e.g. http://collector:4318), not '{endpoint}'.");
    }

    /// <summary>
    /// How one instrument is exported: the runtime's thread-pool gauges dropped
    /// (<see cref="ThreadPoolGauges"/> publishes them), EF Core's but its query cache's dropped,
    /// Npgsql's without the pool's name, and,
    /// for Prometheus, a gauge named <c>.count</c> by what it counts. Null: as the instrument says.
    /// </summary>
    private static MetricStreamConfiguration? StreamOf(Instrument instrument, bool prometheus)
    {
        if (ThreadPoolGauges.Replaces(instrument))
        {
            return MetricStreamConfiguration.Drop;
        }

        if (instrument.Meter.Name == EntityFrameworkCoreMeter)
        {
            return EntityFrameworkCoreExported.TryGetValue(instrument.Name, out var description) ? new MetricStreamConfiguration { Description = description } : MetricStreamConfiguration.Drop;
        }

        var name = prometheus ? PrometheusNames.GetValueOrDefault(instrument.Name) : null;
        return instrument.Meter.Name == NpgsqlMeter ? new MetricStreamConfiguration { Name = name, TagKeys = NpgsqlTags }
            : name is null ? null
            : new MetricStreamConfiguration { Name = name };
    }

    /// <summary>
    /// Serves <c>/metrics</c> on the API's own port when Prometheus is on without a port of its
    /// own; the OpenAPI document lists it then, and only then (<see cref="OpenApi.MetricsInDocument"/>).
    /// </summary>
    public static void MapServiceMetrics(this WebApplication app)
    {
        if (ServesMetrics(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        }
    }

    /// <summary>Whether <c>/metrics</c> is served on the API's own port.</summary>
    public static bool ServesMetrics(IConfiguration configuration) =>
        Enabled(configuration) && Prometheus(configuration) && MetricsPort(configuration) is null;

    /// <summary><c>Telemetry:Enabled</c>: on unless set false.</summary>
    private static bool Enabled(IConfiguration configuration) => Settings.Flag(configuration, "Telemetry:Enabled", defaultValue: true);

    /// <summary><c>Metrics:Prometheus</c>: off unless set true.</summary>
    private static bool Prometheus(IConfiguration configuration) => Settings.Flag(configuration, "Metrics:Prometheus", defaultValue: false);

    /// <summary><c>Metrics:Port</c>: a TCP port of its own for <c>/metrics</c>, or none.</summary>
    private static int? MetricsPort(IConfiguration configuration) =>
        Settings.OptionalWholeNumber(configuration, "Metrics:Port", 1, 65535, "a TCP port (1 to 65535)");

    /// <summary>
    /// <c>Metrics:Host</c>: the host of the listener's prefix (<c>http://HOST:PORT/</c>): a host
    /// name, an IPv4 address, an IPv6 address in brackets, or <c>*</c> or <c>+</c> for every one.
    /// Anything else is refused here; the listener would refuse it only once the service started.
    /// </summary>
    private static string MetricsHost(IConfiguration configuration)
    {
        var host = Settings.Text(configuration, "Metrics:Host") ?? "localhost";
        var known = host is "*" or "+"
            || Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4
            || (host.StartsWith('[') && host.EndsWith(']') && Uri.CheckHostName(host[1..^1]) == UriHostNameType.IPv6);
        return known
            ? host
            : throw new RefusedSettingException($"Metrics:Host must be a host name, an IP address (an IPv6 one in brackets, such as [::1]), or * or + for every address, not '{host}'.");
    }

    /// <summary>Health checks and scrapes are not traced: they would drown the requests that matter.</summary>
    public static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase);
}
