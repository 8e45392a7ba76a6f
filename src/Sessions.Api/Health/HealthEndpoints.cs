using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sessions.Api.Errors;
using Sessions.Infrastructure.Persistence;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Health;

/// <summary>
/// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> also needs the database,
/// asked at most once per <see cref="DatabaseReadiness.CacheFor"/> however often the anonymous route is called,
/// and answers 503 once the service is stopping (<see cref="ShutdownDrain"/>).
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    private static readonly HttpMethodMetadata ReadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    public static IServiceCollection AddServiceHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        ShutdownDrain.Add(services, configuration);
        services.AddSingleton<DatabaseReadiness>();
        services.AddHealthChecks().AddCheck<DatabaseCheck>("database", HealthStatus.Unhealthy, [ReadyTag]);
        return services;
    }

    /// <summary>
    /// Both routes are read only: any method but <c>GET</c> and <c>HEAD</c> is 405 with <c>Allow</c>
    /// and the envelope, as on every other route (the health checks' own endpoint takes any method).
    /// </summary>
    public static void MapServiceHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithMetadata(ReadOnly).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteReadinessAsync })
            .WithMetadata(ReadOnly).AllowAnonymous();
    }

    /// <summary>As <see cref="WriteAsync"/>, and not ready (503) once the host has begun to stop, whatever the checks said.</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        if (context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status503ServiceUnavailable, "Not ready: the service is stopping."));
        }

        return WriteAsync(context, report);
    }

    /// <summary>
    /// Healthy or degraded (200): the status and each check's. Not ready (503): the error envelope,
    /// as every non-2xx answer (CONTRACT 2), its detail naming what failed.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (context.Response.StatusCode >= StatusCodes.Status400BadRequest)
        {
            var failed = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Value.Description ?? $"the check '{e.Key}' failed.");
            return ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(context.Response.StatusCode, $"Not ready: {string.Join(' ', failed)}"));
        }

        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString().ToLowerInvariant()),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    /// <summary>
    /// One round trip to the database, unless a recent answer is at hand. Until the database has once
    /// been found with every migration of the service applied, the check also asks which are not: a
    /// service started without migrating (<c>Database:InitializeAtStartup=false</c>) on a schema
    /// that is behind is not ready, where its queries would fail. Migrations are never taken back,
    /// so once current the schema is not asked about again.
    /// </summary>
    private sealed class DatabaseCheck(DatabaseReadiness readiness, SessionsDbContext db) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            readiness.GetAsync(async ct =>
            {
                try
                {
                    if (!readiness.SchemaCurrent)
                    {
                        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                        if (pending > 0)
                        {
                            return new HealthCheckResult(
                                context.Registration.FailureStatus,
                                $"The database's schema is {pending} migration(s) behind the service: apply them, or start it with Database:InitializeAtStartup=true.");
                        }

                        readiness.SchemaCurrent = true;
                    }

                    await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
                    if (SqliteFiles.Deleted(db) is { } deleted)
                    {
                        return new HealthCheckResult(
                            context.Registration.FailureStatus,
                            $"The database file {deleted} was deleted while the service had it open: what it writes now is lost when it stops. Restore the file (on Linux the open file can still be copied from /proc/{Environment.ProcessId}/fd) and restart the service.");
                    }

                    return HealthCheckResult.Healthy();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The cause goes to the health check's own log entry (the one record of it:
                    // EF Core's error events are Debug); the answer shows the description only.
                    return new HealthCheckResult(context.Registration.FailureStatus, "The database could not be reached.", exception);
                }
            }, cancellationToken);
    }
}

/// <summary>
/// The last readiness answer, reused for <see cref="CacheFor"/>; concurrent callers share one probe,
/// which has <see cref="AnswerWithin"/> to answer: a database that takes longer (a server that
/// accepts connections and answers nothing) is not ready, told as such, where the probe would
/// otherwise wait out the connection's and the command's timeouts (35 s at the defaults).
/// </summary>
public sealed class DatabaseReadiness(TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _probe = new(1, 1);
    /// <summary>Replaced whole, never changed in place: a caller outside the probe's lock reads one answer with its own time.</summary>
    private volatile ProbedAnswer? _last;

    /// <summary>Whether the database was once found with every migration of the service applied (set by the probe, which runs one at a time).</summary>
    public bool SchemaCurrent { get; set; }

    public async Task<HealthCheckResult> GetAsync(Func<CancellationToken, Task<HealthCheckResult>> probe, CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _probe.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } justProbed)
            {
                return justProbed;
            }

            // The probe is told to stop at the deadline, and not waited for past it: a driver may
            // not heed cancellation everywhere (Npgsql opening a connection waits out its own
            // Timeout). A probe left running ends by itself; its outcome is observed, not used.
            using var deadline = new CancellationTokenSource(AnswerWithin, clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var probing = probe(either.Token);
            HealthCheckResult result;
            try
            {
                result = await probing.WaitAsync(AnswerWithin, clock, cancellationToken);
            }
            catch (Exception late) when (late is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                _ = probing.ContinueWith(left => left.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                result = HealthCheckResult.Unhealthy($"The database did not answer within {AnswerWithin.TotalSeconds:0} seconds.");
            }

            _last = new ProbedAnswer(result, clock.GetTimestamp());
            return result;
        }
        finally
        {
            _probe.Release();
        }
    }

    public void Dispose() => _probe.Dispose();

    private HealthCheckResult? Fresh() =>
        _last is { } last && clock.GetElapsedTime(last.At) < CacheFor ? last.Result : null;

    private sealed record ProbedAnswer(HealthCheckResult Result, long At);
}
