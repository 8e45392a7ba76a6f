using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Get;

[RequiresScope(Scopes.SessionsRead)]
public sealed record GetSessionQuery(string Org, string Workspace, SessionReference Session)
    : IQuery<Result<SessionView>>, ISessionRequest;
