using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Freeze;

/// <summary>Freezes a session for good; the evaluation service's freeze is stamped <c>evaluation</c>.</summary>
[RequiresScope(Scopes.SessionsWrite, Scopes.SessionsEvaluate)]
public sealed record FreezeSessionCommand(string Org, string Workspace, SessionReference Session)
    : ICommand<Result<SessionView>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}
