using FluentValidation;
using Mediator;
using Sessions.Application.Common.Paging;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;

namespace Sessions.Application.Groups;

/// <summary>
/// The sessions the caller sees and the filters match, in buckets by group: a page of buckets,
/// newest activity first, each with its first sessions and its count; the sessions of no group
/// form one bucket, last.
/// </summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GroupedSessionsQuery(string Org, string Workspace, SessionFilterInput Filter, int? Page, int? Limit, int? SessionsPerGroup)
    : IQuery<Result<GroupedPage>>, IWorkspaceRequest
{
    public const int DefaultSessionsPerGroup = 20;
    public const int MaxSessionsPerGroup = 100;
}

public sealed class GroupedSessionsHandler(IGroupReadStore reads, CallerContext callers) : IQueryHandler<GroupedSessionsQuery, Result<GroupedPage>>
{
    public async ValueTask<Result<GroupedPage>> Handle(GroupedSessionsQuery query, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var page = query.Page ?? 1;
        var limit = query.Limit ?? GroupRules.DefaultLimit;
        var criteria = query.Filter.ToCriteria();
        var (buckets, total) = await reads.GroupedAsync(caller.Audience, criteria, (page - 1) * limit, limit, query.SessionsPerGroup ?? GroupedSessionsQuery.DefaultSessionsPerGroup, cancellationToken);
        var groupIds = buckets.Where(b => b.Group is not null).Select(b => b.Group!.Group.Id).ToList();
        var counts = await reads.CountsAsync(caller.Audience, groupIds, criteria, cancellationToken);
        var answer = buckets.Select(b => new GroupedBucket(
            b.Group is { } group ? GroupSummary.From(group, counts.GetValueOrDefault(group.Group.Id, GroupCounts.None)) : null,
            b.Sessions,
            b.Count)).ToList();
        var (totalPages, hasNext, hasPrevious) = Paging.Of(total, page, limit);
        return new GroupedPage(answer, total, page, limit, totalPages, hasNext, hasPrevious);
    }
}

public sealed class GroupedSessionsValidator : AbstractValidator<GroupedSessionsQuery>
{
    public GroupedSessionsValidator()
    {
        RuleFor(q => q.Page).AtLeast(1).AtMost(ListSessionsQuery.MaxPage);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(GroupRules.MaxLimit);
        RuleFor(q => q.SessionsPerGroup).AtLeast(1).AtMost(GroupedSessionsQuery.MaxSessionsPerGroup);
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
    }
}
