using System.Text;
using FluentValidation;
using FluentValidation.Results;
using Sessions.Domain.Common;

namespace Sessions.Application.Common.Validation;

/// <summary>
/// Rule helpers that give every field error the same words and machine types
/// (<c>missing</c>, <c>string_too_long</c>, ...), so clients can rely on them.
/// </summary>
public static class ValidationRules
{
    /// <summary>
    /// The most field errors one answer reports, the first found. A list past its count limit is
    /// told so and its elements are not checked, so what is left to find is bounded too.
    /// </summary>
    public const int MaxReportedErrors = 100;

    public static IRuleBuilderOptions<T, TProperty> Required<T, TProperty>(this IRuleBuilder<T, TProperty> rule) =>
        rule.NotNull().WithMessage("is required").WithErrorCode(nameof(FieldProblem.Missing));

    /// <summary>What a text field holding U+0000 is told: no supported database stores it, so none accepts it.</summary>
    public const string NulMessage = "must not contain U+0000";

    /// <summary>A text of <paramref name="min"/> to <paramref name="max"/> characters, without U+0000.</summary>
    public static IRuleBuilderOptions<T, string?> Chars<T>(this IRuleBuilder<T, string?> rule, int min, int max) =>
        rule.Must(value => value is null || !HasNul(value))
            .WithMessage(NulMessage)
            .WithErrorCode(nameof(FieldProblem.PatternMismatch))
            .Must(value => value is null || value.Length >= min)
            .WithMessage(min == 1 ? "must not be empty" : $"must be at least {min} characters")
            .WithErrorCode(nameof(FieldProblem.StringTooShort))
            .Must(value => value is null || value.Length <= max)
            .WithMessage($"must be at most {max} characters")
            .WithErrorCode(nameof(FieldProblem.StringTooLong));

    /// <summary>
    /// A JSON value of at most <paramref name="maxBytes"/> bytes in UTF-8, the size the contract's
    /// limits name ("at most 64 KiB of JSON"): counted in characters, text outside ASCII would pass
    /// at up to three times the limit. The error is at <paramref name="field"/>.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> JsonOfAtMost<T>(this IRuleBuilder<T, string?> rule, int maxBytes, string field) =>
        rule.Must(json => json is null || Encoding.UTF8.GetByteCount(json) <= maxBytes)
            .WithMessage($"must be at most {maxBytes} bytes of JSON")
            .WithErrorCode(nameof(FieldProblem.TooLong))
            .OverridePropertyName(field);

    public static bool HasNul(string value) => value.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// What a key or value is told that ends in a space: SQL Server compares text ignoring trailing
    /// spaces, so it would take <c>"k "</c> for <c>"k"</c> (a dedupe key found, a count row merged)
    /// where the other databases keep both; such a text is refused on every database.
    /// </summary>
    public const string TrailingSpaceMessage = "must not end with a space";

    /// <summary>The same rule as the OpenAPI document's pattern.</summary>
    public const string NoTrailingSpacePattern = "[^ ]$";

    public static bool EndsWithSpace(string value) => value.EndsWith(' ');

    /// <summary>A text that does not end in a space (<see cref="TrailingSpaceMessage"/>).</summary>
    public static IRuleBuilderOptions<T, string?> NoTrailingSpace<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || !EndsWithSpace(value))
            .WithMessage(TrailingSpaceMessage)
            .WithErrorCode(nameof(FieldProblem.PatternMismatch));

    public static IRuleBuilderOptions<T, TNumber?> AtLeast<T, TNumber>(this IRuleBuilder<T, TNumber?> rule, TNumber min)
        where TNumber : struct, IComparable<TNumber> =>
        rule.Must(value => value is null || value.Value.CompareTo(min) >= 0)
            .WithMessage($"must be greater than or equal to {min}")
            .WithErrorCode(nameof(FieldProblem.BelowMinimum));

    public static IRuleBuilderOptions<T, TNumber?> AtMost<T, TNumber>(this IRuleBuilder<T, TNumber?> rule, TNumber max)
        where TNumber : struct, IComparable<TNumber> =>
        rule.Must(value => value is null || value.Value.CompareTo(max) <= 0)
            .WithMessage($"must be less than or equal to {max}")
            .WithErrorCode(nameof(FieldProblem.AboveMaximum));

    /// <summary>
    /// An id that is not the nil UUID: it names no session, and no user (no token's subject can be
    /// it). A missing (null) id passes; <see cref="Required"/> tells it.
    /// </summary>
    public static IRuleBuilderOptions<T, TId> NotNilUuid<T, TId>(this IRuleBuilder<T, TId> rule) =>
        rule.Must(id => !Guid.Empty.Equals(id))
            .WithMessage("must not be the nil UUID")
            .WithErrorCode(nameof(FieldProblem.InvalidValue));

    public static IRuleBuilderOptions<T, string?> SlugRule<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || Domain.Organizations.Slug.IsValid(value))
            .WithMessage(Domain.Organizations.Slug.Requirement)
            .WithErrorCode(nameof(FieldProblem.PatternMismatch));

    /// <summary>Adds field errors that carry their own path (for map keys, which may hold dots).</summary>
    public static void AddFieldErrors<T>(this ValidationContext<T> context, IEnumerable<FieldError> errors)
    {
        foreach (var error in errors.Take(MaxReportedErrors))
        {
            context.AddFailure(new ValidationFailure(string.Join('.', error.Path), error.Message)
            {
                ErrorCode = error.Problem.ToString(),
                CustomState = error.Path,
            });
        }
    }
}
