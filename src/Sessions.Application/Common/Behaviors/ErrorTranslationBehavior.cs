using Mediator;
using Sessions.Application.Common.Persistence;
using Sessions.Domain.Common;

namespace Sessions.Application.Common.Behaviors;

/// <summary>
/// Outermost: turns the database failures it recognizes (unreachable, timed out, a lost race, a
/// duplicate key) into result failures, so they reach the client as the envelope, not as a 500.
/// </summary>
public sealed class ErrorTranslationBehavior<TMessage, TResponse>(IDatabaseErrorClassifier classifier)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IResult<TResponse>
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception exception) when (classifier.Classify(exception) is { } error)
        {
            return TResponse.Failure(error);
        }
    }
}
