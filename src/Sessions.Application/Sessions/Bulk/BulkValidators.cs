using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Bulk;

/// <summary>The request rules every bulk action shares.</summary>
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
        RuleForEach(c => c.SessionIds)
            .Must(id => id != Guid.Empty)
            .WithMessage("must not be the nil UUID")
            .WithErrorCode(nameof(FieldProblem.InvalidValue));
    }
}

public sealed class BulkFreezeValidator : BulkSessionsValidator<BulkFreezeCommand>;

public sealed class BulkShareValidator : BulkSessionsValidator<BulkShareCommand>;

public sealed class BulkDeleteValidator : BulkSessionsValidator<BulkDeleteCommand>;
