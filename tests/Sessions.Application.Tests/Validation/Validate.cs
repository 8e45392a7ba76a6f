using FluentValidation;
using Mediator;
using Sessions.Application.Common.Behaviors;
using Sessions.Domain.Common;

namespace Sessions.Application.Tests.Validation;

/// <summary>Runs validators the way the pipeline does, and answers the field errors it would report.</summary>
internal static class Validate
{
    public static async Task<List<string>> ErrorsAsync<TMessage>(TMessage message, params IValidator<TMessage>[] validators)
        where TMessage : IMessage
    {
        var behavior = new ValidationBehavior<TMessage, Result>(validators);
        var result = await behavior.Handle(message, (_, _) => new(Result.Success), default);
        return result.Error?.Fields?.Said() ?? [];
    }
}
