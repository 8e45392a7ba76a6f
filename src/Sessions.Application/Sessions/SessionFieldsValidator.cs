using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions;

/// <summary>The descriptive fields a client sets when it creates or updates a session.</summary>
public interface ISessionFields
{
    string? Title { get; }

    string? Model { get; }

    string? Agent { get; }

    IReadOnlyDictionary<string, IReadOnlyList<string>>? Labels { get; }

    int? MessageCount { get; }
}

/// <summary>The rules of those fields (CONTRACT §5.2), shared by create and update; a missing field is not checked here.</summary>
public sealed class SessionFieldsValidator : AbstractValidator<ISessionFields>
{
    public SessionFieldsValidator()
    {
        RuleFor(c => c.Model).Chars(1, FieldLimits.SessionModel);
        RuleFor(c => c.Title).Chars(0, FieldLimits.SessionTitle);
        RuleFor(c => c.Agent).Chars(0, FieldLimits.SessionAgent);
        RuleFor(c => c.MessageCount).AtLeast(0);
        RuleFor(c => c.Labels).Custom((labels, context) =>
        {
            if (labels is not null)
            {
                context.AddFieldErrors(SessionRules.CheckLabels(labels, nameof(ISessionFields.Labels)));
            }
        });
    }
}
