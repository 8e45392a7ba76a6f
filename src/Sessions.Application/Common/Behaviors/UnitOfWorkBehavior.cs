using Mediator;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Common.Behaviors;

/// <summary>
/// Innermost, commands only: the handler runs inside one transaction that commits, with the
/// domain events in the outbox, only when the handler succeeded. A command about one session
/// opens it only once it has decided to change something (<see cref="ISessionCommand"/>), so an
/// idempotent repeat takes no write lock.
/// </summary>
public sealed class UnitOfWorkBehavior<TMessage, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
    where TResponse : IResult<TResponse>
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        await unitOfWork.ExecuteAsync(ct => next(message, ct), response => response.IsSuccess, writeAtOnce: message is not ISessionCommand, cancellationToken);
}
