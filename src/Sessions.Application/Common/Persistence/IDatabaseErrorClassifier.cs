using Sessions.Domain.Common;

namespace Sessions.Application.Common.Persistence;

/// <summary>Recognizes database failures (unreachable, timed out, lost race, duplicate key) in provider exceptions.</summary>
public interface IDatabaseErrorClassifier
{
    /// <summary>The failure as an <see cref="Error"/>, or null when the exception is not a known database failure.</summary>
    Error? Classify(Exception exception);
}
