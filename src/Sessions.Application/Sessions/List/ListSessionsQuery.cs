using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.List;

/// <summary>One page of the sessions the caller can see, filtered and sorted.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record ListSessionsQuery(
    string Org,
    string Workspace,
    SessionFilterInput Filter,
    string? SortBy,
    string? SortDir,
    int? Page,
    int? Limit) : IQuery<Result<SessionPage>>, IWorkspaceRequest
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Far past any real listing, and small enough that page × limit stays an int.</summary>
    public const int MaxPage = 1_000_000;
}
