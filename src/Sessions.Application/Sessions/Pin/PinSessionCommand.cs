using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Pin;

/// <summary>Pins (<see cref="Pinned"/> true) or unpins a session; both are idempotent.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record PinSessionCommand(string Org, string Workspace, string SessionId, bool Pinned)
    : ICommand<Result<SessionView>>, IWorkspaceRequest;

public sealed class PinSessionValidator : AbstractValidator<PinSessionCommand>
{
    public PinSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}

public sealed class PinSessionHandler(SessionAccess access, CallerContext callers, TimeProvider clock)
    : ICommandHandler<PinSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(PinSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (command.Pinned)
        {
            session.Pin(callers.Current.UserId, clock.UtcNow());
        }
        else
        {
            session.Unpin(callers.Current.UserId, clock.UtcNow());
        }

        return await access.ViewAsync(session, cancellationToken);
    }
}
