using System.Text.RegularExpressions;
using Sessions.Api.Errors;
using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// Refuses API calls from clients older than <c>Compatibility:MinimumClientVersion</c> (unset: no
/// minimum) with 426 <c>upgrade_required</c>, judged by the <c>X-Client-Version</c> header
/// (<c>1.4.0</c>, <c>v1.4</c>, <c>1.4.0-beta.2</c>; ASCII digits only; pre-release and build suffixes are ignored).
/// </summary>
public sealed partial class ClientVersionGate(RequestDelegate next, ClientVersionGate.Minimum minimum)
{
    public const string Header = "X-Client-Version";

    /// <summary>The setting, read (and a wrong one refused) when the service is registered, before the host is built and the database touched.</summary>
    public sealed record Minimum(Version? Version)
    {
        public static Minimum From(IConfiguration configuration) => new(ParseMinimum(Settings.Text(configuration, "Compatibility:MinimumClientVersion")));
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (minimum.Version is null
            || !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Headers[Header] is not { Count: > 0 } values)
        {
            return next(context);
        }

        var sent = values.ToString();
        if (!TryParse(sent, out var version))
        {
            return ErrorResponses.WriteAsync(context, new ErrorEnvelope(
                StatusCodes.Status400BadRequest,
                $"{Header} must be a version such as 1.4.0.",
                ErrorTypes.InvalidRequest));
        }

        if (version < minimum.Version)
        {
            return ErrorResponses.WriteAsync(context, new ErrorEnvelope(
                StatusCodes.Status426UpgradeRequired,
                $"Client version {sent} is older than the minimum supported version {minimum.Version}; upgrade the client.",
                ErrorTypes.UpgradeRequired));
        }

        return next(context);
    }

    private static Version? ParseMinimum(string? configured)
    {
        if (configured is null)
        {
            return null;
        }

        return TryParse(configured, out var minimum)
            ? minimum
            : throw new RefusedSettingException($"Compatibility:MinimumClientVersion '{configured}' is not a version such as 1.4.0.");
    }

    private static bool TryParse(string text, out Version version)
    {
        var match = VersionPattern().Match(text.Trim());
        version = match.Success
            ? new Version(
                int.Parse(match.Groups[1].ValueSpan, provider: null),
                match.Groups[2].Success ? int.Parse(match.Groups[2].ValueSpan, provider: null) : 0,
                match.Groups[3].Success ? int.Parse(match.Groups[3].ValueSpan, provider: null) : 0)
            : new Version();
        return match.Success;
    }

    [GeneratedRegex(@"^v?([0-9]{1,6})(?:\.([0-9]{1,6}))?(?:\.([0-9]{1,6}))?(?:[-+][0-9A-Za-z.+-]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
