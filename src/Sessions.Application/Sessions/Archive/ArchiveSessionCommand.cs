using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Archive;

/// <summary>Archives (<see cref="Archived"/> true) or unarchives a session; both are idempotent.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record ArchiveSessionCommand(string Org, string Workspace, SessionReference Session, bool Archived)
    : ICommand<Result<SessionView>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}
