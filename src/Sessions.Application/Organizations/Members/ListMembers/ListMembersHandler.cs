using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

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
