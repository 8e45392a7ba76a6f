using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Facets;

public sealed class GetSessionFacetsHandler(ISessionReadStore reads, CallerContext callers)
    : IQueryHandler<GetSessionFacetsQuery, Result<SessionFacets>>
{
    public async ValueTask<Result<SessionFacets>> Handle(GetSessionFacetsQuery query, CancellationToken cancellationToken) =>
        await reads.FacetsAsync(callers.Current.Audience, query.Filter.ToCriteria(), cancellationToken);
}
