using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Transcripts;

public sealed class CompactTranscriptValidator : AbstractValidator<CompactTranscriptCommand>
{
    public CompactTranscriptValidator()
    {
        RuleFor(c => c.Summary).Required().SetValidator(new MessageInputValidator()!);
        RuleFor(c => c.UpToSeq).Required().AtLeast(1);
    }
}
