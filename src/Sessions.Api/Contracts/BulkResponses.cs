using Sessions.Api.Errors;
using Sessions.Application.Sessions.Bulk;

namespace Sessions.Api.Contracts;

/// <summary>Why one id of a bulk action failed: the status and envelope type it would have had alone.</summary>
public sealed record BulkFailureResponse(Guid Id, int Code, string Type, string Detail)
{
    public static List<BulkFailureResponse> From(BulkOutcome outcome) =>
        [.. outcome.Failed.Select(f =>
        {
            var error = DomainErrorWording.ForWire(f.Error);
            var (status, type) = ErrorTypes.For(error.Type);
            return new BulkFailureResponse(f.Id, status, type, error.Message);
        })];
}

public sealed record BulkFreezeResponse(IReadOnlyList<Guid> Frozen, IReadOnlyList<BulkFailureResponse> Failed);

public sealed record BulkShareResponse(IReadOnlyList<Guid> Shared, IReadOnlyList<BulkFailureResponse> Failed);

public sealed record BulkDeleteResponse(IReadOnlyList<Guid> Deleted, IReadOnlyList<BulkFailureResponse> Failed);
