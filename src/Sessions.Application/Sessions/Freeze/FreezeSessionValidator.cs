using FluentValidation;

namespace Sessions.Application.Sessions.Freeze;

public sealed class FreezeSessionValidator : AbstractValidator<FreezeSessionCommand>
{
    public FreezeSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}
