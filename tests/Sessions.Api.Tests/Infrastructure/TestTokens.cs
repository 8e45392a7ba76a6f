using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>Mints real JWTs for the test host, independently of the service's own token code.</summary>
public static class TestTokens
{
    public const string Issuer = "sessions-tests";
    public const string Audience = "sessions-api";
    public const string SigningKey = "functional-tests-signing-key-0123456789abcdef";

    public static string Create(
        Guid userId,
        IEnumerable<string> scopes,
        string? email = null,
        DateTime? expires = null,
        string signingKey = SigningKey,
        string issuer = Issuer,
        string audience = Audience,
        string scopeClaim = "scope",
        string? name = null,
        string? username = null,
        string? subject = null,
        bool expiring = true)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddHours(1);
        var notBefore = expiry < now ? expiry.AddHours(-1) : now;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject ?? userId.ToString(),
            [scopeClaim] = string.Join(' ', scopes),
        };
        if (email is not null)
        {
            claims["email"] = email;
        }

        if (name is not null)
        {
            claims["name"] = name;
        }

        if (username is not null)
        {
            claims["preferred_username"] = username;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = expiring }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expiring ? expiry : null,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
