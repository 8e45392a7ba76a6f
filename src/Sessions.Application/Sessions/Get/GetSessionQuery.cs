using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Get;

[RequiresScope(Scopes.SessionsRead)]
public sealed record GetSessionQuery(string Org, string Workspace, string SessionId)
    : IQuery<Result<SessionView>>, IWorkspaceRequest;
