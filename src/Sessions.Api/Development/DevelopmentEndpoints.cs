using Sessions.Api.Errors;
using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;
using Sessions.Infrastructure.Development;
using Sessions.Infrastructure.Identity;

namespace Sessions.Api.Development;

/// <summary>The body of <c>POST /dev/token</c>.</summary>
public sealed record DevTokenRequest(string? Email, string? Name, string? Org, string? Workspace, WorkspaceRole? Role, List<string>? Scopes);

/// <summary>The answer of <c>POST /dev/token</c>.</summary>
public sealed record DevTokenResponse(string AccessToken, string TokenType, Guid UserId);

/// <summary>Development aids: the demo seed and a token endpoint. Not mapped in any other environment.</summary>
public static partial class DevelopmentEndpoints
{
    public const string DemoOrg = "demo";
    public const string DemoWorkspace = "default";
    public const string DemoEmail = "dev@example.com";

    private static readonly string[] DefaultScopes = [Scopes.SessionsRead, Scopes.SessionsWrite];

    /// <summary>
    /// Maps <c>POST /dev/token</c>: it answers callers on this machine only (<see cref="LocalCallers"/>),
    /// unless <c>Development:AllowRemoteTokens</c> is true (anyone who reaches it mints admin tokens).
    /// </summary>
    public static void MapDevelopmentEndpoints(this WebApplication app)
    {
        var allowRemote = LocalCallers.RemoteTokensAllowed(app.Configuration);
        LogTokenEndpoint(app.Logger, allowRemote ? "any caller (Development:AllowRemoteTokens is true)" : "callers on this machine only");
        app.MapPost("/dev/token", (HttpContext context, DevTokenRequest? request, DevelopmentIdentity identity, TokenIssuer issuer, CancellationToken cancellationToken) =>
                allowRemote || LocalCallers.IsLocal(context)
                    ? IssueTokenAsync(request, identity, issuer, cancellationToken)
                    : Task.FromResult(Results.Json(
                        ErrorResponses.ForStatus(StatusCodes.Status403Forbidden, "The development token endpoint answers callers on this machine only (set Development:AllowRemoteTokens to open it)."),
                        statusCode: StatusCodes.Status403Forbidden)))
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    /// <summary>Seeds the demo org, workspace and admin user on a database without them, and logs a ready-to-paste curl line while the user is its admin.</summary>
    public static async Task SeedAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var identity = scope.ServiceProvider.GetRequiredService<DevelopmentIdentity>();
        if (await identity.SeedAsync(DemoEmail, "Dev User", DemoOrg, DemoWorkspace, WorkspaceRole.Admin, cancellationToken) is not { } user)
        {
            return;
        }

        var token = scope.ServiceProvider.GetRequiredService<TokenIssuer>().Issue(user.Id, DemoEmail, user.FullName, DefaultScopes);
        var baseUrl = app.Configuration["urls"]?.Split(';')[0] ?? "http://localhost:5000";
        var sessionId = Guid.CreateVersion7();
        var curlLine =
            $"curl -s -X POST {baseUrl}/api/v1/org/{DemoOrg}/ws/{DemoWorkspace}/sessions -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' -d '{{\"id\":\"{sessionId}\",\"model\":\"gpt-4o\"}}'";
        LogReady(app.Logger, curlLine);
    }

    private static async Task<IResult> IssueTokenAsync(DevTokenRequest? request, DevelopmentIdentity identity, TokenIssuer issuer, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        if (string.IsNullOrWhiteSpace(request?.Email) || !User.IsUsableEmail(request.Email))
        {
            errors.Add(new ErrorDetail(["body", "email"], $"must be an email address of at most {Domain.Common.FieldLimits.Email} characters without control characters", ErrorTypes.ValueError));
        }

        if (!Slug.IsValid(request?.Org))
        {
            errors.Add(new ErrorDetail(["body", "org"], Slug.Requirement, ErrorTypes.For(Domain.Common.FieldProblem.PatternMismatch)));
        }

        if (!Slug.IsValid(request?.Workspace))
        {
            errors.Add(new ErrorDetail(["body", "workspace"], Slug.Requirement, ErrorTypes.For(Domain.Common.FieldProblem.PatternMismatch)));
        }

        if (errors.Count > 0)
        {
            return Results.Json(new ErrorEnvelope(StatusCodes.Status422UnprocessableEntity, "Validation failed", ErrorTypes.Validation, errors), statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var role = request!.Role ?? WorkspaceRole.Member;
        var user = await identity.EnsureMemberAsync(request.Email!, request.Name, request.Org!, request.Workspace!, role, cancellationToken);
        var scopes = request.Scopes is { Count: > 0 } ? request.Scopes : [.. DefaultScopes];
        return Results.Ok(new DevTokenResponse(issuer.Issue(user.Id, user.Email!, user.FullName, scopes), "Bearer", user.Id));
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Development token endpoint POST /dev/token answers {Callers}.")]
    private static partial void LogTokenEndpoint(ILogger logger, string callers);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Development seed ready. Create a session with:\n{CurlLine}")]
    private static partial void LogReady(ILogger logger, string curlLine);
}
