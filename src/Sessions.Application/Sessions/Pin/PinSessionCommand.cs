using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Pin;

/// <summary>Pins (<see cref="Pinned"/> true) or unpins a session; both are idempotent.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record PinSessionCommand(string Org, string Workspace, SessionReference Session, bool Pinned)
    : ICommand<Result<SessionView>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}
