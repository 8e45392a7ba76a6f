using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.List;

public sealed class ListSessionsValidator : AbstractValidator<ListSessionsQuery>
{
    public ListSessionsValidator()
    {
        RuleFor(q => q.Page).AtLeast(1).AtMost(ListSessionsQuery.MaxPage);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(ListSessionsQuery.MaxLimit);
        RuleFor(q => q.SortBy)
            .Must(value => value is null || WireEnum.TryParse<SessionSortField>(value, out _))
            .WithMessage($"must be one of: {WireEnum.Names<SessionSortField>()}")
            .WithErrorCode(nameof(FieldProblem.NotAllowedValue));
        RuleFor(q => q.SortDir)
            .Must(value => value is null || WireEnum.TryParse<SortDirection>(value, out _))
            .WithMessage($"must be one of: {WireEnum.Names<SortDirection>()}")
            .WithErrorCode(nameof(FieldProblem.NotAllowedValue));
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
    }
}
