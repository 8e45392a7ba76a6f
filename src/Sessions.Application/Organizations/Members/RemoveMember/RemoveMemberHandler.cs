using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

public sealed class RemoveMemberHandler(IOrganizationRepository organizations, CallerContext callers, TimeProvider clock)
    : ICommandHandler<RemoveMemberCommand, Result>
{
    public async ValueTask<Result> Handle(RemoveMemberCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (await MemberRules.LockAndRequireWorkspaceAdminAsync(caller, organizations, cancellationToken) is { } refused)
        {
            return refused;
        }

        var membership = await organizations.FindMembershipAsync(caller.WorkspaceId, command.UserId, cancellationToken);
        if (membership is null)
        {
            return Error.NotFound("No such member in this workspace.");
        }

        if (membership.Role == WorkspaceRole.Admin && await organizations.CountAdminsAsync(caller.WorkspaceId, cancellationToken) <= 1)
        {
            return MemberRules.LastAdmin;
        }

        membership.Remove(clock.UtcNow());
        organizations.Remove(membership);
        return Result.Success;
    }
}
