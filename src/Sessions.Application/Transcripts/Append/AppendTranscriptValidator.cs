using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class AppendTranscriptValidator : AbstractValidator<AppendTranscriptCommand>
{
    public AppendTranscriptValidator()
    {
        RuleFor(c => c.Messages).Required();
        RuleFor(c => c.Messages!.Count)
            .InclusiveBetween(1, TranscriptRules.MaxMessagesPerAppend)
            .WithMessage($"must hold 1 to {TranscriptRules.MaxMessagesPerAppend} messages")
            .WithErrorCode(nameof(FieldProblem.ListLength))
            .OverridePropertyName(nameof(AppendTranscriptCommand.Messages))
            .When(c => c.Messages is not null);
        RuleForEach(c => c.Messages).NotNull().WithMessage("must be an object").WithErrorCode(nameof(FieldProblem.NotAnObject)).SetValidator(new MessageInputValidator()!)
            .When(c => c.Messages is not { Count: > TranscriptRules.MaxMessagesPerAppend });
        RuleFor(c => c.Context).ChildRules(context =>
        {
            context.RuleFor(c => c!.Model).Required().Chars(1, FieldLimits.SessionModel);
            context.RuleFor(c => c!.Agent).Chars(0, FieldLimits.SessionAgent);
            context.RuleFor(c => c!.SystemPrompt).Chars(0, FieldLimits.SystemPrompt);
        }).When(c => c.Context is not null);
    }
}
