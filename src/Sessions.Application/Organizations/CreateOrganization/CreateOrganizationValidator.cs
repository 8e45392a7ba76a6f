using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

public sealed class CreateOrganizationValidator : AbstractValidator<CreateOrganizationCommand>
{
    public CreateOrganizationValidator()
    {
        RuleFor(c => c.Slug).Required().SlugRule();
        RuleFor(c => c.Name).Chars(1, FieldLimits.OrganizationName);
    }
}
