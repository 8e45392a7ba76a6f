using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Sessions.Api.Development;
using Sessions.Api.Errors;
using Sessions.Infrastructure;
using Sessions.Infrastructure.Identity;

namespace Sessions.Api.Security;

/// <summary>JWT bearer validation from <c>Auth:*</c>; every failure to authenticate answers the 401 envelope with the reason.</summary>
public static class AuthenticationSetup
{
    private const string FailureKey = "auth.failure";

    /// <summary>
    /// The signing key <c>appsettings.Development.json</c> ships (a test keeps the two the same). It
    /// is public, so outside Development the service refuses to start with it.
    /// </summary>
    public const string DevelopmentSigningKey = "development-only-signing-key-change-me-0123456789";

    /// <summary>
    /// Tokens are always checked for issuer and audience: the service refuses to start unless
    /// <c>Auth:Audience</c> and either <c>Auth:Issuer</c> or an <c>Auth:Authority</c> (whose metadata
    /// names the issuer) are configured. Outside Development the authority's metadata is fetched over HTTPS only.
    /// </summary>
    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = AuthOptions.FromConfiguration(configuration);
        var hasAuthority = auth.Authority is not null;
        if (auth.Audience is null || (auth.Issuer is null && !hasAuthority))
        {
            throw new RefusedSettingException(
                "Auth:Audience and Auth:Issuer (or an Auth:Authority that names the issuer) must be configured: without them tokens from any issuer or audience would be accepted.");
        }

        if (auth.SigningKey == DevelopmentSigningKey && !environment.IsDevelopment())
        {
            throw new RefusedSettingException(
                "Auth:SigningKey is the development key published with the service's source: anyone could sign tokens with it. Configure a secret key of your own, or an Auth:Authority.");
        }

        if (hasAuthority && !IsMetadataAddress(auth.Authority!, environment))
        {
            throw new RefusedSettingException(
                $"Auth:Authority must be an absolute https:// address{(environment.IsDevelopment() ? " (or http:// in Development)" : string.Empty)}: the service reads the signing keys from its metadata.");
        }

        // Development only, like the published key; read (and a wrong value refused) now, before the
        // database is touched, not when the options are first asked for.
        var remoteTokensAllowed = environment.IsDevelopment() && LocalCallers.RemoteTokensAllowed(configuration);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new ValidatedTokenCache(TimeProvider.System));
            options.MapInboundClaims = false;

            // Nothing reads the token back from the authentication properties; storing it cost every
            // request a dictionary (bench/results/2026-12-04-allocations.md).
            options.SaveToken = false;
            options.RequireHttpsMetadata = !environment.IsDevelopment();
            if (hasAuthority)
            {
                options.Authority = auth.Authority;

                // The authority's keys are read again every five minutes, the shortest interval the
                // metadata's reader allows (its default is twelve hours): a key the authority
                // stops publishing is refused within that and the validated-token cache's minute.
                options.AutomaticRefreshInterval = TimeSpan.FromMinutes(5);
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = auth.Issuer,
                ValidateAudience = true,
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
                OnTokenValidated = PublishedKeyFromThisMachineOnly(auth, remoteTokensAllowed),
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
        WithoutKeyRingAtStartup(services);
        return services;
    }

    /// <summary>
    /// Tokens signed with the published key (<see cref="DevelopmentSigningKey"/>, which only
    /// Development starts with) are accepted from this machine only, like <c>POST /dev/token</c> that issues them, unless
    /// <c>Development:AllowRemoteTokens</c> opens both: anyone who reaches the instance could sign
    /// such a token. A key of one's own is accepted from anywhere.
    /// </summary>
    private static Func<TokenValidatedContext, Task> PublishedKeyFromThisMachineOnly(AuthOptions auth, bool remoteTokensAllowed) =>
        auth.SigningKey == DevelopmentSigningKey && !remoteTokensAllowed
            ? context =>
            {
                if (!LocalCallers.IsLocal(context.HttpContext))
                {
                    const string Reason = "Authentication failed: this Development instance signs with the key published with the service's source and accepts its tokens from this machine only (set Development:AllowRemoteTokens to accept them from anywhere, or configure Auth:SigningKey).";
                    context.HttpContext.Items[FailureKey] = Reason;
                    context.Fail(Reason);
                }

                return Task.CompletedTask;
            }
            : _ => Task.CompletedTask;

    /// <summary>
    /// Whether JwtBearer can read the authority's metadata (its signing keys) there: over HTTPS, or
    /// HTTP in Development. It finds out otherwise on the first request, and every answer, health
    /// included, would be 500.
    /// </summary>
    private static bool IsMetadataAddress(string authority, IHostEnvironment environment) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var address)
        && (address.Scheme == Uri.UriSchemeHttps || (environment.IsDevelopment() && address.Scheme == Uri.UriSchemeHttp));

    /// <summary>
    /// ASP.NET Core's authentication brings data protection with it, whose hosted service creates or
    /// loads a key ring when the host starts: an XML key file under the user's home and, where none
    /// was kept, a warning that it is stored unencrypted. Bearer tokens use no data protection and the
    /// service protects nothing, so the key ring is left to the first use, which never comes (ADR 0038).
    /// </summary>
    private static void WithoutKeyRingAtStartup(IServiceCollection services)
    {
        var dataProtection = typeof(Microsoft.AspNetCore.DataProtection.DataProtectionOptions).Assembly;
        foreach (var keyRingLoader in services.Where(service => service.ServiceType == typeof(IHostedService) && service.ImplementationType?.Assembly == dataProtection).ToList())
        {
            services.Remove(keyRingLoader);
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => "Authentication failed: the token has expired.",
        SecurityTokenNotYetValidException => "Authentication failed: the token is not valid yet.",
        SecurityTokenNoExpirationException => "Authentication failed: the token has no expiry (exp); send one that expires.",
        SecurityTokenInvalidIssuerException => "Authentication failed: the token's issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "Authentication failed: the token's audience is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "Authentication failed: the token's signature is not valid.",
        SecurityTokenMalformedException or ArgumentException => "Authentication failed: the token is malformed.",
        _ => "Authentication failed: the token is not valid.",
    };
}
