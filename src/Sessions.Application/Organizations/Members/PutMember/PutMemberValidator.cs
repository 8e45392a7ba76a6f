using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Organizations;

public sealed class PutMemberValidator : AbstractValidator<PutMemberCommand>
{
    public PutMemberValidator()
    {
        RuleFor(c => c.Role).Required();
        RuleFor(c => c.Email).Chars(3, 320)
            .Must(email => email is null || email.Contains('@', StringComparison.Ordinal)).WithMessage("must be an email address").WithErrorCode("value_error");
        RuleFor(c => c.FullName).Chars(1, 255);
    }
}
