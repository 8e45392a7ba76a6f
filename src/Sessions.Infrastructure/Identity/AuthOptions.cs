using Microsoft.Extensions.Configuration;

namespace Sessions.Infrastructure.Identity;

/// <summary>
/// Token validation settings (<c>Auth:*</c>): an OIDC <see cref="Authority"/> in production, or a
/// symmetric <see cref="SigningKey"/> with <see cref="Issuer"/> and <see cref="Audience"/>.
/// </summary>
public sealed record AuthOptions(string? Authority, string? Issuer, string? Audience, string? SigningKey)
{
    /// <summary>HMAC-SHA256 keys shorter than this are refused by the token libraries.</summary>
    public const int MinSigningKeyBytes = 32;

    /// <summary>
    /// The settings, white space around a value not part of it (a secret read from a file often
    /// ends in a newline) and a blank value read as unset (the shipped <c>appsettings.json</c> names every
    /// key with an empty value, and an environment variable can only blank one). An authority and a
    /// signing key are refused together: the token handler would take the shared key beside the
    /// authority's keys, so whoever holds it could sign tokens the authority never issued.
    /// </summary>
    public static AuthOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Auth");
        var options = new AuthOptions(Set(section["Authority"]), Set(section["Issuer"]), Set(section["Audience"]), Set(section["SigningKey"]));
        if (options.Authority is null && options.SigningKey is null)
        {
            throw new RefusedSettingException("Configure Auth:Authority (an OIDC issuer) or Auth:SigningKey with Auth:Issuer and Auth:Audience.");
        }

        if (options.Authority is not null && options.SigningKey is not null)
        {
            throw new RefusedSettingException("Configure Auth:Authority or Auth:SigningKey, not both: a signing key beside an OIDC authority would let whoever holds it sign tokens the authority never issued.");
        }

        if (options.SigningKey is { } key && System.Text.Encoding.UTF8.GetByteCount(key) < MinSigningKeyBytes)
        {
            throw new RefusedSettingException($"Auth:SigningKey must be at least {MinSigningKeyBytes} bytes.");
        }

        return options;
    }

    private static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
