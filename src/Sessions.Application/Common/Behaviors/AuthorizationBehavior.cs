using System.Reflection;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Application.Common.Behaviors;

/// <summary>
/// 401 when nobody is authenticated; for a workspace message, 404 unless the caller is a member
/// (the API never reveals that a workspace exists to a non-member); then 403 when the token lacks
/// every scope the message's <see cref="RequiresScopeAttribute"/> names, except that a message about
/// one session or group the caller cannot see answers as its absence does (404, or 400 for an
/// ambiguous session prefix): 403 is only for what the caller can see (CONTRACT §2, §5.5). On
/// success the <see cref="Caller"/> is set for the handler.
/// </summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(
    ICurrentUser currentUser,
    IWorkspaceDirectory directory,
    ISessionReadStore sessions,
    IGroupReadStore groups,
    CallerContext callers) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IResult<TResponse>
{
    private static readonly IReadOnlyList<string> RequiredScopes =
        typeof(TMessage).GetCustomAttribute<RequiresScopeAttribute>()?.AnyOf ?? [];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (!currentUser.IsAuthenticated || currentUser.Id is not { } userId)
        {
            return TResponse.Failure(new Error(ErrorType.Unauthenticated, "A valid bearer token whose subject is a UUID (not the nil UUID) is required."));
        }

        if (currentUser.Email is { } email && !User.IsUsableEmail(email))
        {
            return TResponse.Failure(new Error(ErrorType.Unauthenticated, $"The token's email claim is not usable: it must be an address with an '@', of at most {FieldLimits.Email} characters, without control characters."));
        }

        var lacksScope = RequiredScopes.Count > 0 && !RequiredScopes.Any(currentUser.HasScope);
        if (message is IWorkspaceRequest request)
        {
            var membership = Slug.IsValid(request.Org) && Slug.IsValid(request.Workspace)
                ? await FindMembershipAsync(request, userId, cancellationToken)
                : null;
            if (membership is null)
            {
                return TResponse.Failure(Error.NotFound("Workspace not found."));
            }

            var caller = new Caller(userId, membership, currentUser.Scopes);
            callers.Set(caller);
            if (lacksScope && await UnseenAsync(message, caller, cancellationToken) is { } absence)
            {
                return TResponse.Failure(absence);
            }
        }

        if (lacksScope)
        {
            return TResponse.Failure(Error.Forbidden($"The token lacks the scope this operation needs: {string.Join(" or ", RequiredScopes)}."));
        }

        return await next(message, cancellationToken);
    }

    /// <summary>How the absence of the one session or group the message is about answers, when the caller cannot see it; null otherwise.</summary>
    private async Task<Error?> UnseenAsync(TMessage message, Caller caller, CancellationToken cancellationToken) => message switch
    {
        ISessionRequest about => await sessions.ResolveAsync(caller.Audience, about.Session, cancellationToken) is { IsSuccess: false } unseen ? unseen.Error : null,
        IGroupRequest about => await groups.FindAsync(caller.GroupAudience, about.GroupId, cancellationToken) is null ? GroupRules.NotFound : null,
        _ => null,
    };

    /// <summary>
    /// The caller's membership; a platform admin (scope <c>admin</c>) addressing membership
    /// administration acts as the workspace's admin without being a member.
    /// </summary>
    private async Task<WorkspaceMembership?> FindMembershipAsync(IWorkspaceRequest request, Guid userId, CancellationToken cancellationToken)
    {
        await directory.ProvisionUserAsync(currentUser, cancellationToken);
        if (request is IWorkspaceAdminRequest && currentUser.HasScope(Scopes.Admin))
        {
            return await directory.FindWorkspaceAsync(request.Org, request.Workspace, cancellationToken);
        }

        return await directory.FindMembershipAsync(request.Org, request.Workspace, userId, cancellationToken);
    }
}
