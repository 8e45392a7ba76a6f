using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Delete;

/// <summary>Deletes a session with its transcript (answering its id); a session frozen by an evaluation stays.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record DeleteSessionCommand(string Org, string Workspace, SessionReference Session) : ICommand<Result<Guid>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}
