using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Tests.Behaviors;

[RequiresScope(Scopes.SessionsWrite, Scopes.SessionsEvaluate)]
public sealed record ScopedCommand(string Org, string Workspace, string Name) : ICommand<Result<string>>, IWorkspaceRequest;

public sealed record OpenQuery(string Name) : IQuery<Result<string>>;

[RequiresScope(Scopes.SessionsWrite)]
public sealed record SessionScopedCommand(string Org, string Workspace, SessionReference Session) : ICommand<Result<string>>, ISessionRequest;

[RequiresScope(Scopes.SessionsWrite)]
public sealed record GroupScopedCommand(string Org, string Workspace, Guid GroupId) : ICommand<Result<string>>, IGroupRequest;
