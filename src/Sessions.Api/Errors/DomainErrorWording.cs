using Sessions.Api.Contracts;
using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>
/// How the domain's named rules read on the wire: which request field a rule concerns (its
/// <c>loc</c>) and the contract's reference for it. The domain names the rule; this says where it shows.
/// </summary>
public static class DomainErrorWording
{
    /// <summary>The error as the client sees it; errors of no domain rule pass through as they are.</summary>
    public static Error ForWire(Error error) => error.Code switch
    {
        nameof(DomainErrors.RewindTargetNotAUserMessage) => AtField(error, nameof(RewindRequest.FromSeq)),
        nameof(DomainErrors.CompactionOutsideTheTranscript) => AtField(error, nameof(CompactTranscriptRequest.UpToSeq)),
        nameof(DomainErrors.SharedSessionCannotBecomePrivate) => error with { Message = $"{error.Message[..^1]} (SES-VIS-008)." },
        _ => error,
    };

    private static Error AtField(Error error, string field) => Error.Validation(field, error.Message, FieldProblem.InvalidValue);
}
