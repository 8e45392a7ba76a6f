using FluentValidation;

namespace Sessions.Application.Sessions.Delete;

public sealed class DeleteSessionValidator : AbstractValidator<DeleteSessionCommand>
{
    public DeleteSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}
