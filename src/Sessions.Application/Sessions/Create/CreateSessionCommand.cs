using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Create;

/// <summary>Creates a session with a client-chosen id, owned by the caller.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record CreateSessionCommand(
    string Org,
    string Workspace,
    Guid? Id,
    string? Model,
    string? Title,
    string? Agent,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Labels,
    int? MessageCount,
    SessionOrigin? Origin,
    SessionVisibility? Visibility,
    Guid? ProjectId,
    Guid? RuntimeId,
    Guid? GroupId) : ICommand<Result<SessionView>>, IWorkspaceRequest, ISessionFields;
