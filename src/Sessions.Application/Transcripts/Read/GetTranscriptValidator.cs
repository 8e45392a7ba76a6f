using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;

namespace Sessions.Application.Transcripts;

public sealed class GetTranscriptValidator : AbstractValidator<GetTranscriptQuery>
{
    public GetTranscriptValidator()
    {
        RuleFor(q => q.SessionId).SessionReferenceRule();
        RuleFor(q => q.AfterSeq).AtLeast(0);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(GetTranscriptQuery.MaxLimit);
    }
}
