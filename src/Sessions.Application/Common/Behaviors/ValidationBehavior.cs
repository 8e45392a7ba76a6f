using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Common.Behaviors;

/// <summary>
/// Runs every validator of the message and answers their field errors as one 422: the first
/// <see cref="ValidationRules.MaxReportedErrors"/> of them, so a small body of many wrong elements
/// does not buy an answer of megabytes.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IResult<TResponse>
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        List<FieldError>? fields = null;
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            if (!result.IsValid)
            {
                (fields ??= []).AddRange(result.Errors.Select(ToFieldError));
            }
        }

        if (fields is null)
        {
            return await next(message, cancellationToken);
        }

        // Stryker disable once Equality : at exactly the limit the cut keeps every error, as the whole list does
        var reported = fields.Count > ValidationRules.MaxReportedErrors ? fields[..ValidationRules.MaxReportedErrors] : fields;
        return TResponse.Failure(Error.Validation(reported));
    }

    private static FieldError ToFieldError(ValidationFailure failure) => new(
        failure.CustomState as IReadOnlyList<object> ?? FieldPath.Parse(failure.PropertyName),
        failure.ErrorMessage,
        ProblemOf(failure.ErrorCode));

    /// <summary>Our rules name a <see cref="FieldProblem"/> as their error code; FluentValidation's own codes name its validators.</summary>
    private static FieldProblem ProblemOf(string? code) =>
        Enum.TryParse<FieldProblem>(code, ignoreCase: false, out var problem) && Enum.IsDefined(problem) && !char.IsDigit(code![0])
            ? problem
            : FieldProblem.InvalidValue;
}
