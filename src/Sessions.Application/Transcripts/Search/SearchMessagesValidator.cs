using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Transcripts;

public sealed class SearchMessagesValidator : AbstractValidator<SearchMessagesQuery>
{
    public SearchMessagesValidator()
    {
        RuleFor(q => q.Q).Required().Chars(1, SearchMessagesQuery.MaxQueryLength);
        RuleFor(q => q.AfterSeq).AtLeast(0);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(SearchMessagesQuery.MaxLimit);
    }
}
