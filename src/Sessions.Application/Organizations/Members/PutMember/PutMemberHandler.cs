using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

public sealed class PutMemberHandler(IOrganizationRepository organizations, CallerContext callers, TimeProvider clock)
    : ICommandHandler<PutMemberCommand, Result<MemberView>>
{
    public async ValueTask<Result<MemberView>> Handle(PutMemberCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (await MemberRules.LockAndRequireWorkspaceAdminAsync(caller, organizations, cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = clock.UtcNow();
        var role = command.Role!.Value;
        // Users are shared by every tenant: a profile comes only from the user's own tokens.
        var user = await organizations.FindOrAddUserAsync(command.UserId, now, cancellationToken);

        var membership = await organizations.FindMembershipAsync(caller.WorkspaceId, command.UserId, cancellationToken);
        if (membership is null)
        {
            // A new workspace has no member; its first one is its admin, so it never has members
            // without one (a platform admin sets it up; the workspace's admins take it from there).
            if (role != WorkspaceRole.Admin && await organizations.CountAdminsAsync(caller.WorkspaceId, cancellationToken) == 0)
            {
                return MemberRules.FirstMemberIsAdmin;
            }

            membership = Membership.Create(caller.WorkspaceId, command.UserId, role, now);
            organizations.Add(membership);
        }
        else
        {
            if (membership.Role == WorkspaceRole.Admin && role != WorkspaceRole.Admin
                && await organizations.CountAdminsAsync(caller.WorkspaceId, cancellationToken) <= 1)
            {
                return MemberRules.LastAdmin;
            }

            membership.ChangeRole(role, now);
        }

        return MemberView.Of(user, membership);
    }
}
