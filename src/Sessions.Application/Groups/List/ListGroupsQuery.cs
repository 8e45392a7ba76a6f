using FluentValidation;
using Mediator;
using Sessions.Application.Common.Paging;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;

namespace Sessions.Application.Groups;

/// <summary>
/// A page of the groups the caller sees, newest first, filtered by their status, kind and project,
/// and by the list filters of §5.4 on their sessions (given any, only groups holding a matching session).
/// </summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record ListGroupsQuery(
    string Org,
    string Workspace,
    SessionFilterInput Filter,
    IReadOnlyList<string> Statuses,
    IReadOnlyList<string> Kinds,
    IReadOnlyList<Guid> ProjectIds,
    int? Page,
    int? Limit) : IQuery<Result<GroupPage>>, IWorkspaceRequest;

public sealed class ListGroupsHandler(IGroupReadStore reads, CallerContext callers) : IQueryHandler<ListGroupsQuery, Result<GroupPage>>
{
    public async ValueTask<Result<GroupPage>> Handle(ListGroupsQuery query, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var page = query.Page ?? 1;
        var limit = query.Limit ?? GroupRules.DefaultLimit;
        var criteria = query.Filter.ToCriteria();
        var groups = new GroupCriteria(
            [.. query.Statuses.Select(WireEnum.Parse<GroupStatus>).Distinct()],
            [.. query.Kinds.Select(WireEnum.Parse<GroupKind>).Distinct()],
            [.. query.ProjectIds.Distinct()]);
        var (reads_, total) = await reads.ListAsync(caller.GroupAudience, groups, criteria, query.Filter.NarrowsSessions, (page - 1) * limit, limit, cancellationToken);
        var counts = await reads.CountsAsync(caller.Audience, [.. reads_.Select(r => r.Group.Id)], criteria, cancellationToken);
        var summaries = reads_.Select(r => GroupSummary.From(r, counts.GetValueOrDefault(r.Group.Id, GroupCounts.None))).ToList();
        var (totalPages, hasNext, hasPrevious) = Paging.Of(total, page, limit);
        return new GroupPage(summaries, total, page, limit, totalPages, hasNext, hasPrevious);
    }
}

public sealed class ListGroupsValidator : AbstractValidator<ListGroupsQuery>
{
    public ListGroupsValidator()
    {
        RuleFor(q => q.Page).AtLeast(1).AtMost(ListSessionsQuery.MaxPage);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(GroupRules.MaxLimit);
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
        RuleFor(q => q).Custom((query, context) =>
        {
            context.AddFieldErrors(SessionFilterInput.CheckNames<GroupStatus>(nameof(ListGroupsQuery.Statuses), query.Statuses));
            context.AddFieldErrors(SessionFilterInput.CheckNames<GroupKind>(nameof(ListGroupsQuery.Kinds), query.Kinds));
            context.AddFieldErrors(SessionFilterInput.CheckCount(nameof(ListGroupsQuery.ProjectIds), query.ProjectIds.Count));
        });
    }
}
