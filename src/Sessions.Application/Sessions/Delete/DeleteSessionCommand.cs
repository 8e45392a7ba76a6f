using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Delete;

/// <summary>Deletes a session with its transcript; a session frozen by an evaluation stays.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record DeleteSessionCommand(string Org, string Workspace, string SessionId) : ICommand<Result>, IWorkspaceRequest;

public sealed class DeleteSessionValidator : AbstractValidator<DeleteSessionCommand>
{
    public DeleteSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}

public sealed class DeleteSessionHandler(SessionAccess access, ISessionRepository sessions, CallerContext callers, TimeProvider clock)
    : ICommandHandler<DeleteSessionCommand, Result>
{
    public async ValueTask<Result> Handle(DeleteSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        var deleted = session.Delete(callers.Current.UserId, clock.UtcNow());
        if (deleted.Error is null)
        {
            sessions.Remove(session);
        }

        return deleted;
    }
}
