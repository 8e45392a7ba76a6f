using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>The service with its spans kept in memory and Prometheus on.</summary>
public sealed class TelemetryApiFactory : ApiFactory
{
    public List<Activity> Spans { get; } = [];

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Metrics:Prometheus"] = "true",
        ["Telemetry:Traces"] = "true",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }

    /// <summary>The spans of one trace, once its server span has ended (it ends after the answer is sent).</summary>
    public async Task<List<Activity>> TraceAsync(string traceId)
    {
        for (var waited = 0; waited < 100; waited++)
        {
            lock (Spans)
            {
                var trace = Spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
                if (trace.Any(s => s.Kind == ActivityKind.Server))
                {
                    return trace;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no server span for trace {traceId}");
    }
}

public sealed class TelemetryTests(TelemetryApiFactory factory) : ApiTest<TelemetryApiFactory>(factory), IClassFixture<TelemetryApiFactory>
{
    [Fact]
    public async Task ARequest_IsAServerSpan_WithACommandSpanAndDatabaseSpansUnderIt()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();

        var response = await Client.GetAsync(workspace.SessionPath(session), owner.Token());
        await response.ExpectAsync(HttpStatusCode.OK);
        var trace = await Factory.TraceAsync(response.Headers.GetValues("X-Correlation-Id").Single());

        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal("api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}", server.GetTagItem("http.route"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
        var command = Assert.Single(trace, s => s.OperationName == "GetSessionQuery");
        Assert.Equal(server.SpanId, command.ParentSpanId);
        Assert.Equal(session.ToString(), command.GetTagItem("sessions.session_id"));
        Assert.Equal("Success", command.GetTagItem("sessions.outcome"));
        var statements = trace.Where(s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(statements);
        Assert.All(statements, s => Assert.Contains(s.ParentSpanId, trace.Select(p => p.SpanId)));
        Assert.Contains(statements, s => s.ParentSpanId == command.SpanId);
    }

    [Fact]
    public async Task ATraceparent_IsContinued_AndItsTraceIdIsTheCorrelationId()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        const string parent = "b7ad6b7169203331";

        var response = await Client.SendAsync(HttpMethod.Post, $"{workspace.SessionPath(session)}/pin", owner.Token(), headers: new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{parent}-01" });
        await response.ExpectAsync(HttpStatusCode.OK);
        var trace = await Factory.TraceAsync(traceId);

        Assert.Equal(traceId, response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal(parent, Assert.Single(trace, s => s.Kind == ActivityKind.Server).ParentSpanId.ToHexString());
        Assert.Contains(trace, s => s.OperationName == "PinSessionCommand");
    }

    [Fact]
    public async Task Metrics_InThePrometheusFormat_HoldTheRequestHistogramAndTheServiceCounters()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        await Client.AppendAsync(workspace, owner, session, new { role = "user", content = "a" }, new { role = "assistant", content = "b" });
        await Client.PostAsync($"{workspace.SessionPath(session)}/freeze", owner.Token()).ExpectAsync(HttpStatusCode.OK);

        var scrape = await Client.GetAsync("/metrics", token: null);

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}/freeze\"", text, StringComparison.Ordinal);
        Assert.Matches("sessions_commands_total\\{[^}]*command=\"FreezeSessionCommand\"[^}]*outcome=\"Success\"[^}]*\\} [1-9]", text);
        Assert.Matches("sessions_frozen_total\\{[^}]*frozen_by=\"user\"[^}]*\\} [1-9]", text);
        // The service's meters are the process's: every test host adds to them, so these are lower bounds.
        var appended = System.Text.RegularExpressions.Regex.Match(text, "sessions_transcript_messages_appended_total(\\{[^}]*\\})? ([0-9]+)");
        Assert.True(appended.Success && long.Parse(appended.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, "messages appended are counted");
        Assert.Contains("process_cpu_time", text, StringComparison.Ordinal);
        Assert.Matches("microsoft_entityframeworkcore_compiled_query_cache_misses(_total)?(\\{[^}]*\\})? [1-9]", text);
        Assert.Matches("microsoft_entityframeworkcore_compiled_query_cache_hits(_total)?(\\{[^}]*\\})? [1-9]", text);
        Assert.DoesNotContain("microsoft_entityframeworkcore_queries", text, StringComparison.Ordinal);

        // Prometheus keeps _count for histograms and summaries (promtool refuses it elsewhere), and
        // the thread pool's queue and threads go up and down: gauges, not counters.
        var types = System.Text.RegularExpressions.Regex.Matches(text, "^# TYPE (\\S+) (\\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        Assert.DoesNotContain(types, t => t.Key.EndsWith("_count", StringComparison.Ordinal) && t.Value is not ("histogram" or "summary"));
        Assert.Equal("gauge", types.GetValueOrDefault("dotnet_thread_pool_queue_length"));
        Assert.Equal("gauge", types.GetValueOrDefault("dotnet_thread_pool_threads"));
        Assert.DoesNotContain("dotnet_thread_pool_queue_length_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet_thread_pool_thread_count", text, StringComparison.Ordinal);
        if (Factory.Database.IsPostgres)
        {
            // Npgsql's pool metrics carry no pool name, which for a connection opened without a
            // data source's name (EF Core's check that the database exists, the test process's
            // own) is its connection string.
            Assert.Matches("db_client_connections\\{[^}]*db_client_connection_state=\"idle\"", text);
            Assert.Equal("counter", types.GetValueOrDefault("db_client_operation_npgsql_read_bytes_total"));
            Assert.DoesNotContain("bytes_read_bytes", text, StringComparison.Ordinal);
            Assert.DoesNotContain("pool_name", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Host=", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task TheOpenApiDocument_ListsMetrics_WhenTheyAreOn()
    {
        var document = await Client.GetAsync("/swagger/v1/swagger.json", token: null).ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(document["paths"]!["/metrics"]?["get"]);
        Assert.Equal("[{}]", document["paths"]!["/metrics"]!["get"]!["security"]!.ToJsonString());
    }

}

/// <summary>The service as it runs without a collector: an in-memory exporter is added, but nothing asks for spans.</summary>
public sealed class NoCollectorApiFactory : ApiFactory
{
    public List<Activity> Spans { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }
}

public sealed class NoCollectorTests(NoCollectorApiFactory factory) : ApiTest<NoCollectorApiFactory>(factory), IClassFixture<NoCollectorApiFactory>
{
    [Fact]
    public async Task WithoutACollector_NoSpanIsRecordedAndNoMetricCollected_AndTheCorrelationIdIsStillTheTraceId()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        var response = await Client.SendAsync(
            HttpMethod.Get, workspace.SessionPath(session), owner.Token(), headers: new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" });
        await response.ExpectAsync(HttpStatusCode.OK);
        await Task.Delay(200);

        Assert.Equal(traceId, response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Null(Factory.Services.GetService<TracerProvider>());
        Assert.Null(Factory.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        lock (Factory.Spans)
        {
            Assert.Empty(Factory.Spans);
        }
    }
}

/// <summary>Prometheus on a port of its own.</summary>
public sealed class MetricsPortApiFactory : ApiFactory
{
    public int Port { get; } = FreePort();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Metrics:Prometheus"] = "true",
        ["Metrics:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

public sealed class MetricsPortTests(MetricsPortApiFactory factory) : IClassFixture<MetricsPortApiFactory>
{
    [Fact]
    public async Task WithAPortOfItsOwn_MetricsAreServedThereOnly()
    {
        var api = factory.CreateClient();
        using var scraper = new HttpClient();

        var onItsPort = await scraper.GetAsync(new Uri($"http://localhost:{factory.Port}/metrics"));
        var onTheApi = await api.GetAsync("/metrics", token: null);

        Assert.Equal(HttpStatusCode.OK, onItsPort.StatusCode);
        Assert.Contains("# TYPE", await onItsPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await onTheApi.ExpectEnvelopeAsync(HttpStatusCode.NotFound, "not_found");
    }
}
