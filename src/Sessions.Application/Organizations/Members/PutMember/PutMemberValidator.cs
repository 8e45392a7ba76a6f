using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Organizations;

public sealed class PutMemberValidator : AbstractValidator<PutMemberCommand>
{
    public PutMemberValidator()
    {
        RuleFor(c => c.UserId).NotNilUuid();
        RuleFor(c => c.Role).Required();
    }
}
