using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Sessions.Facets;

public sealed class GetSessionFacetsValidator : AbstractValidator<GetSessionFacetsQuery>
{
    public GetSessionFacetsValidator() =>
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
}
