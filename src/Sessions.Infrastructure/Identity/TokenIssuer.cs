using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sessions.Infrastructure.Identity;

/// <summary>Mints tokens signed with the configured symmetric key (Development's token endpoint and seed).</summary>
public sealed class TokenIssuer(AuthOptions options, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public string Issue(Guid userId, string email, string? name, IEnumerable<string> scopes)
    {
        var key = options.SigningKey ?? throw new InvalidOperationException("Minting tokens needs Auth:SigningKey.");
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = userId.ToString(),
            [JwtRegisteredClaimNames.Email] = email,
            ["scope"] = string.Join(' ', scopes),
        };
        if (name is not null)
        {
            claims[JwtRegisteredClaimNames.Name] = name;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
