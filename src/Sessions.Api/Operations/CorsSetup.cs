using Microsoft.Net.Http.Headers;
using Sessions.Api.Controllers;

namespace Sessions.Api.Operations;

/// <summary>
/// Browser frontends on the origins listed in <c>Cors:AllowedOrigins</c> may call the API with any
/// method and header, and read the headers the API's clients rely on. No origin is allowed by default.
/// </summary>
public static class CorsSetup
{
    private static readonly string[] ExposedHeaders = [HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter, ApiVersions.SupportedHeader, CorrelationIds.Header];

    public static IServiceCollection AddServiceCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
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
}
