using FluentValidation;

namespace Sessions.Application.Sessions.Update;

public sealed class UpdateSessionValidator : AbstractValidator<UpdateSessionCommand>
{
    public UpdateSessionValidator() => Include(new SessionFieldsValidator());
}
