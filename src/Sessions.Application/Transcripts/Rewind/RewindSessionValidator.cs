using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;

namespace Sessions.Application.Transcripts;

public sealed class RewindSessionValidator : AbstractValidator<RewindSessionCommand>
{
    public RewindSessionValidator()
    {
        RuleFor(c => c.SessionId).SessionReferenceRule();
        RuleFor(c => c.FromSeq).Required().AtLeast(1);
    }
}
