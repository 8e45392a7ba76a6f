using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Sessions.Api.Errors;
using Sessions.Infrastructure.Identity;

namespace Sessions.Api.Security;

/// <summary>JWT bearer validation from <c>Auth:*</c>; every failure to authenticate answers the 401 envelope with the reason.</summary>
public static class AuthenticationSetup
{
    private const string FailureKey = "auth.failure";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = AuthOptions.FromConfiguration(configuration);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                options.Authority = auth.Authority;
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = !string.IsNullOrWhiteSpace(auth.Issuer) || !string.IsNullOrWhiteSpace(auth.Authority),
                ValidIssuer = auth.Issuer,
                ValidateAudience = !string.IsNullOrWhiteSpace(auth.Audience),
                ValidAudience = auth.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
            };
            if (auth.SigningKey is { } key)
            {
                options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
            }

            options.Events = new JwtBearerEvents
            {
                OnAuthenticationFailed = context =>
                {
                    context.HttpContext.Items[FailureKey] = Describe(context.Exception);
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var detail = context.HttpContext.Items[FailureKey] as string
                        ?? (context.Request.Headers.Authorization.Count == 0
                            ? "Authentication failed: the Authorization header with a bearer token is missing."
                            : "Authentication failed: the Authorization header must be 'Bearer <token>'.");
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await ErrorResponses.WriteAsync(context.HttpContext, ErrorResponses.ForStatus(StatusCodes.Status401Unauthorized, detail));
                },
            };
        });
        return services;
    }

    private static string Describe(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => "Authentication failed: the token has expired.",
        SecurityTokenNotYetValidException => "Authentication failed: the token is not valid yet.",
        SecurityTokenInvalidIssuerException => "Authentication failed: the token's issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "Authentication failed: the token's audience is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "Authentication failed: the token's signature is not valid.",
        SecurityTokenMalformedException or ArgumentException => "Authentication failed: the token is malformed.",
        _ => "Authentication failed: the token is not valid.",
    };
}
