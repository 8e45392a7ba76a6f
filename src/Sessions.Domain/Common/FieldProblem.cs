namespace Sessions.Domain.Common;

/// <summary>What is wrong with one input; the API names each on the wire.</summary>
public enum FieldProblem
{
    /// <summary>The value breaks a rule that none of the more specific problems names.</summary>
    InvalidValue,
    Missing,
    NotAnObject,
    NotAList,
    NotAllowedValue,
    PatternMismatch,
    TooShort,
    TooLong,
    StringTooShort,
    StringTooLong,
    ListLength,
    BelowMinimum,
    AboveMaximum,
    TooManyDecimalPlaces,
    NotATimestamp,
}
