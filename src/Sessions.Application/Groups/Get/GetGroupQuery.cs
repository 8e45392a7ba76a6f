using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;

namespace Sessions.Application.Groups;

/// <summary>One group with its summary and the sessions of it the caller sees.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GetGroupQuery(string Org, string Workspace, Guid GroupId, string? Archived, bool? IncludeWorkloadSessions)
    : IQuery<Result<GroupDetail>>, IGroupRequest;

public sealed class GetGroupHandler(IGroupReadStore reads, CallerContext callers) : IQueryHandler<GetGroupQuery, Result<GroupDetail>>
{
    public async ValueTask<Result<GroupDetail>> Handle(GetGroupQuery query, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var read = await reads.FindAsync(caller.GroupAudience, query.GroupId, cancellationToken);
        if (read is null)
        {
            return GroupRules.NotFound;
        }

        var criteria = GroupQueries.Children(query.Archived, query.IncludeWorkloadSessions);
        var counts = await reads.CountsAsync(caller.Audience, [query.GroupId], criteria, cancellationToken);
        var sessions = await reads.SessionsAsync(caller.Audience, query.GroupId, criteria, GroupRules.MaxSessionsInGroupAnswer, cancellationToken);
        return new GroupDetail(GroupSummary.From(read, counts.GetValueOrDefault(query.GroupId, GroupCounts.None)), sessions);
    }
}

public sealed class GetGroupValidator : AbstractValidator<GetGroupQuery>
{
    public GetGroupValidator() =>
        RuleFor(q => q).Custom((query, context) =>
            context.AddFieldErrors(SessionFilterInput.Lifecycle(query.Archived, query.IncludeWorkloadSessions).Check()));
}
