using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;

namespace Sessions.Application.Transcripts;

public sealed class CompactTranscriptValidator : AbstractValidator<CompactTranscriptCommand>
{
    public CompactTranscriptValidator()
    {
        RuleFor(c => c.SessionId).SessionReferenceRule();
        RuleFor(c => c.Summary).Required().SetValidator(new MessageInputValidator()!);
        RuleFor(c => c.UpToSeq).Required().AtLeast(1);
    }
}
