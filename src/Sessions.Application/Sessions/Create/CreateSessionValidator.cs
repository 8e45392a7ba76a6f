using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Sessions.Create;

public sealed class CreateSessionValidator : AbstractValidator<CreateSessionCommand>
{
    public CreateSessionValidator()
    {
        RuleFor(c => c.Id).Required().NotNilUuid();
        RuleFor(c => c.Model).Required();
        Include(new SessionFieldsValidator());
    }
}
