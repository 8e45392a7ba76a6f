using FluentValidation;

namespace Sessions.Application.Sessions.Archive;

public sealed class ArchiveSessionValidator : AbstractValidator<ArchiveSessionCommand>
{
    public ArchiveSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}
