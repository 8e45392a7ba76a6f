using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Transcripts;

public sealed class GetTranscriptValidator : AbstractValidator<GetTranscriptQuery>
{
    public GetTranscriptValidator()
    {
        RuleFor(q => q.AfterSeq).AtLeast(0);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(GetTranscriptQuery.MaxLimit);
    }
}
