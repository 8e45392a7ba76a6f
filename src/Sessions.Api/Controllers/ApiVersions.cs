namespace Sessions.Api.Controllers;

/// <summary>The API versions the service offers (URL segment <c>/api/v{version}/</c>).</summary>
public static class ApiVersions
{
    public const string V1 = "1";

    public static IReadOnlyList<string> Supported { get; } = [V1];

    /// <summary>The header every versioned answer reports <see cref="Supported"/> in (Asp.Versioning's <c>ReportApiVersions</c>).</summary>
    public const string SupportedHeader = "api-supported-versions";
}
