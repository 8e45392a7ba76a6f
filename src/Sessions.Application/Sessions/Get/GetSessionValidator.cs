namespace Sessions.Application.Sessions.Get;

public sealed class GetSessionValidator : FluentValidation.AbstractValidator<GetSessionQuery>
{
    public GetSessionValidator() => RuleFor(q => q.SessionId).SessionReferenceRule();
}
