using Mediator;
using Sessions.Application.Common.Paging;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.List;

public sealed class ListSessionsHandler(ISessionReadStore reads, CallerContext callers)
    : IQueryHandler<ListSessionsQuery, Result<SessionPage>>
{
    public async ValueTask<Result<SessionPage>> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        var page = query.Page ?? 1;
        var limit = query.Limit ?? ListSessionsQuery.DefaultLimit;
        var sort = query.SortBy is null ? SessionSortField.UpdatedAt : WireEnum.Parse<SessionSortField>(query.SortBy);
        var direction = query.SortDir is null ? SortDirection.Desc : WireEnum.Parse<SortDirection>(query.SortDir);
        var (sessions, total) = await reads.ListAsync(callers.Current.Audience, query.Filter.ToCriteria(), sort, direction, (page - 1) * limit, limit, cancellationToken);
        var (totalPages, hasNext, hasPrevious) = Paging.Of(total, page, limit);
        return new SessionPage(sessions, total, page, limit, totalPages, hasNext, hasPrevious);
    }
}
