using Microsoft.Net.Http.Headers;
using Sessions.Api.Controllers;
using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// Browser frontends on the origins listed in <c>Cors:AllowedOrigins</c> may call the API with any
/// method and header, and read the headers the API's clients rely on. No origin is allowed by default.
/// An entry that is no origin (a path or trailing slash, a wildcard subdomain, no scheme) would
/// never match what a browser sends, so it refuses the start; <c>*</c> allows every origin, and an
/// app's own scheme (<c>capacitor://localhost</c>, <c>chrome-extension://...</c>) or <c>null</c> is
/// an origin as a browser or webview sends it.
/// </summary>
public static partial class CorsSetup
{
    private static readonly string[] ExposedHeaders = [HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.ContentDisposition, ApiVersions.SupportedHeader, CorrelationIds.Header];

    public static IServiceCollection AddServiceCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = AllowedOrigins(configuration);
        if (origins.FirstOrDefault(origin => origin is not ("*" or "null") && !IsOrigin(origin)) is { } refused)
        {
            throw new RefusedSettingException(
                $"Cors:AllowedOrigins holds '{refused}', which is no origin: give scheme, host and port only, such as https://app.example.com (no path, no trailing slash), or *.");
        }

        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins)
                    .AllowAnyMethod()
                    .AllowAnyHeader()
                    .WithExposedHeaders(ExposedHeaders)
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }
        }));
        return services;
    }

    /// <summary>
    /// Says once, at the start, that no browser origin may call the service: a frontend's developer
    /// otherwise sees only the browser's CORS refusal, and the service's log a preflight answered 204.
    /// </summary>
    public static void SayWhenNoOriginIsAllowed(WebApplication app)
    {
        if (AllowedOrigins(app.Configuration).Length == 0)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CorsSetup).FullName!);
            LogNoOrigin(logger);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "No browser origin may call the service (Cors:AllowedOrigins is empty): a frontend on another origin is refused by its browser")]
    private static partial void LogNoOrigin(ILogger logger);

    private static string[] AllowedOrigins(IConfiguration configuration) => Settings.List(configuration, "Cors:AllowedOrigins");

    /// <summary>An origin as a browser sends it in <c>Origin</c>: scheme, host and port, nothing more.</summary>
    private static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && !string.IsNullOrEmpty(uri.Host)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !uri.Host.Contains('*', StringComparison.Ordinal)
        && string.Equals(text, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
