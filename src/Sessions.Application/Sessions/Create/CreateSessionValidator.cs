using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Sessions.Create;

public sealed class CreateSessionValidator : AbstractValidator<CreateSessionCommand>
{
    public CreateSessionValidator()
    {
        RuleFor(c => c.Id).Required()
            .Must(id => id != Guid.Empty).WithMessage("must not be the nil UUID").WithErrorCode("value_error");
        RuleFor(c => c.Model).Required().Chars(1, SessionRules.MaxModelLength);
        RuleFor(c => c.Title).Chars(0, SessionRules.MaxTitleLength);
        RuleFor(c => c.Agent).Chars(0, SessionRules.MaxAgentLength);
        RuleFor(c => c.MessageCount).AtLeast(0);
        RuleFor(c => c.Labels).Custom((labels, context) =>
        {
            if (labels is not null)
            {
                context.AddFieldErrors(SessionRules.CheckLabels(labels, "labels"));
            }
        });
    }
}
