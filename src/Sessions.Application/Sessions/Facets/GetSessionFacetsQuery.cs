using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Facets;

/// <summary>Counts per label value, agent, model, origin and owner over the sessions a listing with the same filters would show.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GetSessionFacetsQuery(string Org, string Workspace, SessionFilterInput Filter)
    : IQuery<Result<SessionFacets>>, IWorkspaceRequest;

public sealed record FacetCount(string Value, long Count);

/// <summary>An owner's count, with the chip to show for them.</summary>
public sealed record UserFacetCount(string Value, long Count, UserChip? User);

public sealed record SessionFacets(
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Labels,
    IReadOnlyList<FacetCount> Agents,
    IReadOnlyList<FacetCount> Models,
    IReadOnlyList<FacetCount> Origins,
    IReadOnlyList<UserFacetCount> Users);

public sealed class GetSessionFacetsValidator : AbstractValidator<GetSessionFacetsQuery>
{
    public GetSessionFacetsValidator() =>
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
}

public sealed class GetSessionFacetsHandler(ISessionReadStore reads, CallerContext callers)
    : IQueryHandler<GetSessionFacetsQuery, Result<SessionFacets>>
{
    public async ValueTask<Result<SessionFacets>> Handle(GetSessionFacetsQuery query, CancellationToken cancellationToken) =>
        await reads.FacetsAsync(callers.Current.Audience, query.Filter.ToCriteria(), cancellationToken);
}
