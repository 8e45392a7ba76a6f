using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Application.Organizations;

/// <summary>
/// Membership administration: for platform admins (scope <c>admin</c>, member or not) and for the
/// workspace's own admins. Everyone else who is a member gets 403; non-members get 404.
/// </summary>
public interface IWorkspaceAdminRequest : IWorkspaceRequest;

/// <summary>Adds a user to the workspace with a role, or changes their role; creates the user when unknown.</summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsWrite)]
public sealed record PutMemberCommand(string Org, string Workspace, Guid UserId, WorkspaceRole? Role, string? Email, string? FullName)
    : ICommand<Result<MemberView>>, IWorkspaceAdminRequest;

/// <summary>Removes a user from the workspace.</summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsWrite)]
public sealed record RemoveMemberCommand(string Org, string Workspace, Guid UserId) : ICommand<Result>, IWorkspaceAdminRequest;

/// <summary>The members of the workspace with their roles.</summary>
[RequiresScope(Scopes.Admin, Scopes.SessionsRead)]
public sealed record ListMembersQuery(string Org, string Workspace) : IQuery<Result<MemberList>>, IWorkspaceAdminRequest;

public sealed class PutMemberValidator : AbstractValidator<PutMemberCommand>
{
    public PutMemberValidator()
    {
        RuleFor(c => c.Role).Required();
        RuleFor(c => c.Email).Chars(3, 320)
            .Must(email => email is null || email.Contains('@', StringComparison.Ordinal)).WithMessage("must be an email address").WithErrorCode("value_error");
        RuleFor(c => c.FullName).Chars(1, 255);
    }
}

/// <summary>The checks every membership command shares.</summary>
internal static class MemberRules
{
    public static Error? RequireWorkspaceAdmin(Caller caller) =>
        caller.Membership.Role == WorkspaceRole.Admin
            ? null
            : Error.Forbidden("Only workspace admins and platform admins manage members.");

    public static Error LastAdmin { get; } = Error.Conflict("The workspace must keep at least one admin; make another member admin first.");
}

public sealed class PutMemberHandler(IOrganizationRepository organizations, CallerContext callers, TimeProvider clock)
    : ICommandHandler<PutMemberCommand, Result<MemberView>>
{
    public async ValueTask<Result<MemberView>> Handle(PutMemberCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (MemberRules.RequireWorkspaceAdmin(caller) is { } forbidden)
        {
            return forbidden;
        }

        var now = clock.UtcNow();
        var role = command.Role!.Value;
        // The email and name fill the chip of a user the service has not seen yet; a known user's
        // profile comes from their own tokens only (users are shared by every tenant).
        var user = await organizations.FindUserAsync(command.UserId, cancellationToken);
        if (user is null)
        {
            user = User.Create(command.UserId, command.Email, command.FullName, command.Email?.Split('@')[0], now);
            organizations.Add(user);
        }

        var membership = await organizations.FindMembershipAsync(caller.WorkspaceId, command.UserId, cancellationToken);
        if (membership is null)
        {
            membership = Membership.Create(caller.WorkspaceId, command.UserId, role, now);
            organizations.Add(membership);
        }
        else
        {
            if (membership.Role == WorkspaceRole.Admin && role != WorkspaceRole.Admin
                && await organizations.CountAdminsForUpdateAsync(caller.WorkspaceId, cancellationToken) <= 1)
            {
                return MemberRules.LastAdmin;
            }

            membership.ChangeRole(role, now);
        }

        return new MemberView(new UserChip(user.Id, user.Email, user.FullName, user.Username), membership.Role, membership.CreatedAt, membership.UpdatedAt);
    }
}

public sealed class RemoveMemberHandler(IOrganizationRepository organizations, CallerContext callers, TimeProvider clock)
    : ICommandHandler<RemoveMemberCommand, Result>
{
    public async ValueTask<Result> Handle(RemoveMemberCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (MemberRules.RequireWorkspaceAdmin(caller) is { } forbidden)
        {
            return forbidden;
        }

        var membership = await organizations.FindMembershipAsync(caller.WorkspaceId, command.UserId, cancellationToken);
        if (membership is null)
        {
            return Error.NotFound("No such member in this workspace.");
        }

        if (membership.Role == WorkspaceRole.Admin && await organizations.CountAdminsForUpdateAsync(caller.WorkspaceId, cancellationToken) <= 1)
        {
            return MemberRules.LastAdmin;
        }

        membership.Remove(clock.UtcNow());
        organizations.Remove(membership);
        return Result.Success;
    }
}

public sealed class ListMembersHandler(IWorkspaceDirectory directory, CallerContext callers)
    : IQueryHandler<ListMembersQuery, Result<MemberList>>
{
    public async ValueTask<Result<MemberList>> Handle(ListMembersQuery query, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (MemberRules.RequireWorkspaceAdmin(caller) is { } forbidden)
        {
            return forbidden;
        }

        return new MemberList(await directory.ListMembersAsync(caller.WorkspaceId, cancellationToken));
    }
}
