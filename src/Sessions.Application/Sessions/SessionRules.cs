using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions;

/// <summary>Field rules shared by the session commands and queries.</summary>
public static class SessionRules
{
    public static readonly string ReferenceMessage =
        $"must be a session UUID or a prefix of at least {SessionReference.MinPrefixLength} characters of one (hex digits, hyphens at their places)";

    /// <summary>What a label key is (CONTRACT §5.2), as the messages about one say it.</summary>
    public static readonly string LabelKeyRule = $"1 to {FieldLimits.LabelKey} characters of a-z, 0-9, '_', '.', ':', '/', '-'";

    public const int MaxLabelKeys = 50;
    public const int MaxLabelValues = 20;

    /// <summary>The label rules of CONTRACT §5.2, reported per key and per value.</summary>
    public static IEnumerable<FieldError> CheckLabels(IReadOnlyDictionary<string, IReadOnlyList<string>> labels, string field)
    {
        if (labels.Count > MaxLabelKeys)
        {
            yield return new FieldError([field], $"must have at most {MaxLabelKeys} keys", FieldProblem.TooLong);
            yield break;
        }

        foreach (var (key, values) in labels)
        {
            var at = new FieldKey(key);
            if (!IsLabelKey(key))
            {
                yield return new FieldError([field, at], $"key must be {LabelKeyRule}", FieldProblem.PatternMismatch);
            }

            if (values is null)
            {
                yield return new FieldError([field, at], "must be a list of strings", FieldProblem.NotAList);
                continue;
            }

            if (values.Count == 0)
            {
                yield return new FieldError([field, at], "must hold at least 1 value", FieldProblem.TooShort);
            }

            if (values.Distinct(StringComparer.Ordinal).Skip(MaxLabelValues).Any())
            {
                yield return new FieldError([field, at], $"must hold at most {MaxLabelValues} distinct values", FieldProblem.TooLong);
            }

            for (var i = 0; i < values.Count; i++)
            {
                var value = values[i];
                if (value is null || value.Length == 0 || value.Length > FieldLimits.LabelValue)
                {
                    yield return new FieldError([field, at, i], $"must be 1 to {FieldLimits.LabelValue} characters", value is null || value.Length == 0 ? FieldProblem.StringTooShort : FieldProblem.StringTooLong);
                }
                else if (ValidationRules.HasNul(value))
                {
                    yield return new FieldError([field, at, i], ValidationRules.NulMessage, FieldProblem.PatternMismatch);
                }
                else if (ValidationRules.EndsWithSpace(value))
                {
                    yield return new FieldError([field, at, i], ValidationRules.TrailingSpaceMessage, FieldProblem.PatternMismatch);
                }
            }
        }
    }

    public static bool IsLabelKey(string key) =>
        key.Length is > 0 and <= FieldLimits.LabelKey
        && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.' or ':' or '/' or '-');
}
