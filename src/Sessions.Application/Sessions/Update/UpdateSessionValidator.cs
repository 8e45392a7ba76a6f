using FluentValidation;

namespace Sessions.Application.Sessions.Update;

public sealed class UpdateSessionValidator : AbstractValidator<UpdateSessionCommand>
{
    public UpdateSessionValidator()
    {
        RuleFor(c => c.SessionId).SessionReferenceRule();
        Include(new SessionFieldsValidator());
    }
}
