using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Transcripts;

public sealed class RewindSessionValidator : AbstractValidator<RewindSessionCommand>
{
    public RewindSessionValidator()
    {
        RuleFor(c => c.FromSeq).Required().AtLeast(1);
    }
}
