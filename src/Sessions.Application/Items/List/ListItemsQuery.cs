using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Items;

/// <summary>A session's items, newest first.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record ListItemsQuery(string Org, string Workspace, SessionReference Session, int? Limit)
    : IQuery<Result<ItemList>>, ISessionRequest
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}
