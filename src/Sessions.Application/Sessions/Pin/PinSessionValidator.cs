using FluentValidation;

namespace Sessions.Application.Sessions.Pin;

public sealed class PinSessionValidator : AbstractValidator<PinSessionCommand>
{
    public PinSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}
