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

    public static AuthOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Auth");
        var options = new AuthOptions(section["Authority"], section["Issuer"], section["Audience"], section["SigningKey"]);
        if (string.IsNullOrWhiteSpace(options.Authority) && string.IsNullOrWhiteSpace(options.SigningKey))
        {
            throw new InvalidOperationException("Configure Auth:Authority (an OIDC issuer) or Auth:SigningKey with Auth:Issuer and Auth:Audience.");
        }

        if (options.SigningKey is { } key && System.Text.Encoding.UTF8.GetByteCount(key) < MinSigningKeyBytes)
        {
            throw new InvalidOperationException($"Auth:SigningKey must be at least {MinSigningKeyBytes} bytes.");
        }

        return options;
    }
}
