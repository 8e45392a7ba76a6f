using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Sessions.Update;

public sealed class UpdateSessionValidator : AbstractValidator<UpdateSessionCommand>
{
    public UpdateSessionValidator()
    {
        RuleFor(c => c.SessionId).SessionReferenceRule();
        RuleFor(c => c.Model).Chars(1, SessionRules.MaxModelLength);
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
