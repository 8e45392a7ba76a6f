using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Organizations;

public sealed class CreateWorkspaceValidator : AbstractValidator<CreateWorkspaceCommand>
{
    public CreateWorkspaceValidator()
    {
        RuleFor(c => c.Slug).Required().SlugRule();
        RuleFor(c => c.Name).Chars(1, 255);
    }
}
