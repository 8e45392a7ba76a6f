using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Organizations;

public sealed class PutMemberValidator : AbstractValidator<PutMemberCommand>
{
    /// <summary>The nil UUID names no user, as it names no session: no token's subject can be it.</summary>
    public PutMemberValidator()
    {
        RuleFor(c => c.UserId)
            .Must(id => id != Guid.Empty).WithMessage("must not be the nil UUID").WithErrorCode(nameof(FieldProblem.InvalidValue));
        RuleFor(c => c.Role).Required();
    }
}
