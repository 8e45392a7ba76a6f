using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Create;

public sealed class CreateSessionValidator : AbstractValidator<CreateSessionCommand>
{
    public CreateSessionValidator()
    {
        RuleFor(c => c.Id).Required()
            .Must(id => id != Guid.Empty).WithMessage("must not be the nil UUID").WithErrorCode(nameof(FieldProblem.InvalidValue));
        RuleFor(c => c.Model).Required();
        Include(new SessionFieldsValidator());
    }
}
