using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Bulk;

/// <summary>
/// The request rules every bulk action shares: the list itself. Each id is judged by the action,
/// as the single action would judge it (the nil UUID names no session: 404 in <c>failed</c>); one
/// bad id never fails the batch (CONTRACT §5.1).
/// </summary>
public abstract class BulkSessionsValidator<TCommand> : AbstractValidator<TCommand>
    where TCommand : IBulkSessionsCommand
{
    public const int MaxIds = 200;

    protected BulkSessionsValidator()
    {
        RuleFor(c => c.SessionIds).Required();
        RuleFor(c => c.SessionIds!.Count)
            .InclusiveBetween(1, MaxIds)
            .WithMessage($"must hold 1 to {MaxIds} session ids")
            .WithErrorCode(nameof(FieldProblem.ListLength))
            .OverridePropertyName(nameof(IBulkSessionsCommand.SessionIds))
            .When(c => c.SessionIds is not null);
    }
}

public sealed class BulkFreezeValidator : BulkSessionsValidator<BulkFreezeCommand>;

public sealed class BulkShareValidator : BulkSessionsValidator<BulkShareCommand>;

public sealed class BulkDeleteValidator : BulkSessionsValidator<BulkDeleteCommand>;
