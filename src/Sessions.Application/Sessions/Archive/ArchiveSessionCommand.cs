using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Archive;

/// <summary>Archives (<see cref="Archived"/> true) or unarchives a session; both are idempotent.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record ArchiveSessionCommand(string Org, string Workspace, string SessionId, bool Archived)
    : ICommand<Result<SessionView>>, IWorkspaceRequest;

public sealed class ArchiveSessionValidator : AbstractValidator<ArchiveSessionCommand>
{
    public ArchiveSessionValidator() => RuleFor(c => c.SessionId).SessionReferenceRule();
}

public sealed class ArchiveSessionHandler(SessionAccess access, CallerContext callers, TimeProvider clock)
    : ICommandHandler<ArchiveSessionCommand, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(ArchiveSessionCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        if (command.Archived)
        {
            session.Archive(callers.Current.UserId, clock.UtcNow());
        }
        else
        {
            session.Unarchive(callers.Current.UserId, clock.UtcNow());
        }

        return await access.ViewAsync(session, cancellationToken);
    }
}
