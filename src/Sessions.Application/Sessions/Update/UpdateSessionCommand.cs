using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.Update;

/// <summary>Changes the fields the client sent; <see cref="IfMatch"/> guards against lost updates.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record UpdateSessionCommand(
    string Org,
    string Workspace,
    SessionReference Session,
    string? Title,
    string? Model,
    string? Agent,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Labels,
    int? MessageCount,
    SessionVisibility? Visibility,
    Guid? GroupId,
    VersionCondition? IfMatch) : ICommand<Result<SessionView>>, ISessionCommand, ISessionFields;
